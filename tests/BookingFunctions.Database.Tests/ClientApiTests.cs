using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

/// <summary>
/// Direct callers (PostgREST / Supabase rpc) run as booking_client with the verified JWT's claims in the session, as
/// PostgREST sets them: <c>set local role …; set local request.jwt.claims = '{"sub": …}'</c>. Their functions take
/// the guest from those claims, never from an argument, and the role can call nothing else.
/// </summary>
public sealed class ClientApiTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string NoSubject = "BK012";
    private readonly TestDatabase _db = fixture.Database;

    /// <summary>What PostgREST does per request: switch to the request's role and put the verified claims in the session.</summary>
    private async Task<T> AsClientAsync<T>(string? claims, Func<NpgsqlConnection, Task<T>> call, CancellationToken ct, string? legacySubject = null)
    {
        await using var connection = await _db.Admin.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var session = new NpgsqlCommand(
            "select set_config('role', 'booking_client', true), set_config('request.jwt.claims', $1, true), set_config('request.jwt.claim.sub', $2, true)",
            connection))
        {
            session.Parameters.AddWithValue(claims ?? "");
            session.Parameters.AddWithValue(legacySubject ?? "");
            await session.ExecuteNonQueryAsync(ct);
        }

        var result = await call(connection);
        await transaction.CommitAsync(ct);
        return result;
    }

    private static string Claims(string subject) => $$"""{"sub":"{{subject}}","role":"authenticated","aud":"authenticated"}""";

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var a in args)
        {
            cmd.Parameters.AddWithValue(a);
        }

        return await cmd.ExecuteScalarAsync(ct);
    }

    [Fact]
    public async Task A_client_with_a_verified_subject_books_reads_confirms_and_cancels_its_own_booking()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct);
        var night = Booking.Night(210);

        // Act
        var booking = (Guid)(await AsClientAsync(Claims("guest-alice"),
            c => ScalarAsync(c, "select id from my_create_booking($1, $2, $3, 2, 'alice-key-1')", ct, hotel, night, night.AddDays(2)), ct))!;
        var replay = (Guid)(await AsClientAsync(Claims("guest-alice"),
            c => ScalarAsync(c, "select id from my_create_booking($1, $2, $3, 2, 'alice-key-1')", ct, hotel, night, night.AddDays(2)), ct))!;
        var owner = await AsClientAsync(Claims("guest-alice"), c => ScalarAsync(c, "select guest_id from my_booking($1)", ct, booking), ct);
        var available = await AsClientAsync(Claims("guest-alice"), c => ScalarAsync(c, "select check_availability_with_lock($1, $2, $3)", ct, hotel, night, night.AddDays(2)), ct);
        var confirmed = await AsClientAsync(Claims("guest-alice"), c => ScalarAsync(c, "select my_confirm_booking($1)", ct, booking), ct);
        var cancelled = await AsClientAsync(Claims("guest-alice"), c => ScalarAsync(c, "select my_cancel_booking($1)", ct, booking), ct);

        // Assert
        Assert.Equal(booking, replay);
        Assert.Equal("guest-alice", owner);
        Assert.Equal(1, available);
        Assert.Equal("confirmed", confirmed);
        Assert.Equal("cancelled", cancelled);
        Assert.Equal("cancelled", await Inventory.StatusAsync(_db.Admin, booking, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task A_client_cannot_read_confirm_or_cancel_another_guests_booking()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct);
        var night = Booking.Night(212);
        var alices = await Booking.CreateAsync(_db.App, hotel, "guest-alice", night, night.AddDays(1), ct);

        // Act
        var read = await AsClientAsync(Claims("guest-mallory"), c => ScalarAsync(c, "select count(*) from my_booking($1)", ct, alices), ct);
        var confirm = await Booking.SqlStateOf(() => AsClientAsync(Claims("guest-mallory"), c => ScalarAsync(c, "select my_confirm_booking($1)", ct, alices), ct));
        var cancel = await Booking.SqlStateOf(() => AsClientAsync(Claims("guest-mallory"), c => ScalarAsync(c, "select my_cancel_booking($1)", ct, alices), ct));

        // Assert
        Assert.Equal(0L, read);
        Assert.Equal(SqlState.BookingNotFound, confirm);
        Assert.Equal(SqlState.BookingNotFound, cancel);
        Assert.Equal("pending", await Inventory.StatusAsync(_db.Admin, alices, ct));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("{}")]
    [InlineData("""{"role":"anon"}""")]
    [InlineData("""{"sub":""}""")]
    [InlineData("""{"sub":"   "}""")]
    [InlineData("""{"sub":null}""")]
    [InlineData("""{"sub":{"nested":"guest-alice"}}""")]
    [InlineData("not json")]
    public async Task A_client_session_without_a_usable_subject_is_refused_with_its_own_sqlstate_and_books_nothing(string? claims)
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct);
        var night = Booking.Night(214);

        // Act
        var create = await Booking.SqlStateOf(() =>
            AsClientAsync(claims, c => ScalarAsync(c, "select id from my_create_booking($1, $2, $3)", ct, hotel, night, night.AddDays(1)), ct));
        var read = await Booking.SqlStateOf(() => AsClientAsync(claims, c => ScalarAsync(c, "select count(*) from my_booking($1)", ct, Guid.NewGuid()), ct));

        // Assert
        Assert.Equal((NoSubject, NoSubject), (create, read));
        Assert.Equal(0L, await Inventory.CountAsync(_db.Admin, "select count(*) from booking.bookings where guest_id in ('', '   ', 'guest-alice') and check_in >= current_date + 214", ct));
    }

    [Fact]
    public async Task An_older_PostgREST_session_with_request_jwt_claim_sub_is_understood()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct);
        var night = Booking.Night(216);

        // Act
        var owner = await AsClientAsync(null,
            c => ScalarAsync(c, "select guest_id from my_create_booking($1, $2, $3)", ct, hotel, night, night.AddDays(1)), ct, legacySubject: "guest-legacy");

        // Assert
        Assert.Equal("guest-legacy", owner);
    }

    [Theory]
    [InlineData("select create_booking_with_atomic_lock(gen_random_uuid(), 'victim', current_date + 30, current_date + 31)")]
    [InlineData("select * from create_booking_returning(gen_random_uuid(), 'victim', current_date + 30, current_date + 31)")]
    [InlineData("select * from create_bookings(array[gen_random_uuid()], array['victim'], array[current_date + 30], array[current_date + 31], array[1], array[null::text])")]
    [InlineData("select * from get_booking(gen_random_uuid())")]
    [InlineData("select confirm_booking(gen_random_uuid())")]
    [InlineData("select cancel_booking(gen_random_uuid())")]
    [InlineData("select assign_accommodation_item_atomically(gen_random_uuid())")]
    [InlineData("select expire_stale_holds()")]
    [InlineData("select * from check_for_double_bookings()")]
    [InlineData("select * from check_availability_many(array[gen_random_uuid()], array[current_date + 30], array[current_date + 31])")]
    [InlineData("select count(*) from booking.bookings")]
    [InlineData("select booking.release_bookings(array[gen_random_uuid()], 'cancelled')")]
    public async Task The_client_role_cannot_call_the_trusted_functions_or_read_the_tables(string sql)
    {
        var ct = TestContext.Current.CancellationToken;

        // Act
        var state = await Booking.SqlStateOf(() => AsClientAsync(Claims("guest-mallory"), c => ScalarAsync(c, sql, ct), ct));

        // Assert
        Assert.Equal(SqlState.InsufficientPrivilege, state);
    }

    [Fact]
    public async Task A_client_cannot_name_another_guest_because_no_client_function_takes_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct);
        var night = Booking.Night(218);

        // Act
        var withGuest = await Booking.SqlStateOf(() => AsClientAsync(Claims("guest-mallory"),
            c => ScalarAsync(c, "select id from my_create_booking($1, $2, $3, 1, null, 'guest-alice')", ct, hotel, night, night.AddDays(1)), ct));
        var guestParameters = await Inventory.CountAsync(_db.Admin,
            """
            select count(*) from pg_proc p
             where p.pronamespace = 'public'::regnamespace and has_function_privilege('booking_client', p.oid, 'execute')
               and exists (select from unnest(p.proargnames, coalesce(p.proargmodes, array_fill('i'::"char", array[cardinality(p.proargnames)]))) a(n, m)
                            where a.m in ('i', 'b', 'v') and a.n ilike '%guest_id%')
            """, ct);
        var clientFunctions = await Inventory.CountAsync(_db.Admin,
            "select count(*) from pg_proc p where p.pronamespace = 'public'::regnamespace and has_function_privilege('booking_client', p.oid, 'execute') and p.proname like 'my\\_%'", ct);

        // Assert
        Assert.Equal("42883", withGuest);
        Assert.Equal(0L, guestParameters);
        Assert.Equal(4L, clientFunctions);
    }
}
