using System.Runtime.Versioning;
using BookingFunctions.Testing;
using Dapper;
using Npgsql;

namespace BookingFunctions.Reliability.Tests;

/// <summary>
/// The application's database login can EXECUTE the public API and nothing else: no table access, no internal
/// helpers, no role switching, and no search_path or temp-object trick changes what the definer functions do.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DatabaseRoleTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly string[] RefusalStates = ["42501", "22023", "0A000", "58P01", "42704"];

    public static TheoryData<string> Forbidden() => new()
    {
        "select count(*) from booking.bookings",
        "insert into booking.bookings (accommodation_id, guest_id, check_in, check_out, guests, status) values (gen_random_uuid(), 'x', current_date + 1, current_date + 2, 1, 'confirmed')",
        "update booking.night_inventory set reserved = 0",
        "delete from booking.booking_events",
        "truncate booking.accommodations cascade",
        "copy booking.bookings to stdout",
        "select booking.lock_nights(gen_random_uuid(), current_date, current_date + 1)",
        "select booking.release_bookings(array[gen_random_uuid()], 'cancelled')",
        "select booking.assert_valid_stay(current_date, current_date + 1)",
        "set role booking_owner",
        "set role booking_app_owner_does_not_exist",
        "set session authorization postgres",
        "create function public.create_booking_with_atomic_lock(uuid) returns uuid language sql as 'select $1'",
        "create table public.bookings (id int)",
        "create schema attacker",
        "alter function public.cancel_booking(uuid, text) security invoker",
        "grant usage on schema booking to booking_app_login",
        "select pg_read_file('/etc/passwd')",
        "select lo_import('/etc/passwd')",
        "create extension if not exists dblink",
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task The_application_role_is_refused(string sql)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await fixture.Database.App.OpenConnectionAsync(ct);

        // Act
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: ct)));

        // Assert: insufficient privilege (42501), or a role/extension that does not exist for it (22023 / 0A000 / 58P01)
        Tally.AddIdentityCases();
        Assert.Contains(error.SqlState, RefusalStates);
    }

    [Fact]
    public async Task Temp_objects_and_search_path_shadowing_do_not_change_what_the_definer_functions_do()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(fixture.Database, rooms: 1, items: 1, ct);
        await using var connection = await fixture.Database.App.OpenConnectionAsync(ct);
        // Shadows for every unqualified name a definer function could resolve: tables, now(), format(), count().
        await connection.ExecuteAsync(new CommandDefinition(
            """
            create temp table bookings (id uuid, status text);
            create temp table night_inventory (accommodation_id uuid, night date, reserved int);
            create temp table accommodations (id uuid, total_inventory int);
            create function pg_temp.now() returns timestamptz language sql as $$ select timestamptz '1999-01-01' $$;
            create function pg_temp.format(text, variadic anyarray) returns text language sql as $$ select 'pwned' $$;
            create function pg_temp.lock_nights(uuid, date, date) returns void language sql as $$ select $$;
            create function pg_temp.generate_series(integer, integer) returns setof integer language sql as $$ select 0 $$;
            set search_path = pg_temp, public, booking;
            """, cancellationToken: ct));

        // Act: the only room, twice; then the product's audit and our recount
        var first = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
            "select public.create_booking_with_atomic_lock(@accommodation, 'guest-shadow', current_date + 40, current_date + 45)",
            new { accommodation }, cancellationToken: ct));
        var second = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
            "select public.create_booking_with_atomic_lock(@accommodation, 'guest-shadow-2', current_date + 42, current_date + 43)",
            new { accommodation }, cancellationToken: ct)));
        var item = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
            "select public.assign_accommodation_item_atomically(@first)", new { first }, cancellationToken: ct));
        var shadowRows = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "select (select count(*) from pg_temp.bookings) + (select count(*) from pg_temp.night_inventory)", cancellationToken: ct));

        // Assert
        Tally.AddIdentityCases();
        Assert.Equal("BK001", second.SqlState);
        Assert.Equal("The only room is taken on " + Arrange.Date(Arrange.Today.AddDays(42)) + ".", second.MessageText);
        Assert.NotEqual(Guid.Empty, item);
        Assert.Equal(0, shadowRows);
        var report = await Invariants.CheckAsync(fixture.Database, [accommodation], ct);
        Assert.True(report.Healthy, string.Join('\n', report.Violations));
        Assert.Equal(1, report.Active);
    }

    [Fact]
    public async Task Every_definer_function_pins_its_search_path_and_the_app_role_reaches_only_the_public_API()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await fixture.Database.Admin.OpenConnectionAsync(ct);

        // Act
        var unpinned = (await connection.QueryAsync<string>(new CommandDefinition(
            """
            select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname in ('public', 'booking') and p.prosecdef
               and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search\_path=pg\_catalog,%')
            """, cancellationToken: ct))).ToList();
        var callable = (await connection.QueryAsync<string>(new CommandDefinition(
            """
            select p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where has_schema_privilege(@login, n.oid, 'USAGE') and has_function_privilege(@login, p.oid, 'EXECUTE')
               and n.nspname not in ('pg_catalog', 'information_schema')
             order by 1
            """, new { login = TestDatabaseServer.AppLogin }, cancellationToken: ct))).ToList();
        var schemaUsage = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select has_schema_privilege(@login, 'booking', 'USAGE') or has_schema_privilege(@login, 'public', 'CREATE')",
            new { login = TestDatabaseServer.AppLogin }, cancellationToken: ct));
        var tables = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'booking' and c.relkind in ('r', 'p', 'v', 'S')
               and (has_table_privilege(@login, c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER'))
            """, new { login = TestDatabaseServer.AppLogin }, cancellationToken: ct));

        // Assert
        Tally.AddIdentityCases(4);
        Assert.Empty(unpinned);
        Assert.Equal(
            ["accommodation_calendar", "accommodation_night_bookings", "add_accommodation_item", "add_closure",
             "assign_accommodation_item_atomically", "booking_schema_version", "cancel_booking", "cancel_booking_group", "check_availability_many",
             "check_availability_with_lock", "check_for_double_bookings", "confirm_booking", "confirm_booking_group", "confirm_booking_returning",
             "create_accommodation", "create_booking_group", "create_booking_returning",
             "create_booking_with_atomic_lock", "create_bookings", "expire_stale_holds", "get_accommodation", "get_booking", "get_booking_group",
             "list_accommodation_items", "list_accommodations", "list_closures", "list_guest_bookings", "remove_closure", "search_availability",
             "set_item_retirement", "update_accommodation"],
            callable);
        Assert.False(schemaUsage);
        Assert.Equal(0, tables);
    }
}
