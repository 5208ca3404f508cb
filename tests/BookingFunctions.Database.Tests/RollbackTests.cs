using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

public sealed class RollbackTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task Rollback_leaves_no_object_of_ours_behind_and_migrations_apply_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct);
        await Booking.CreateAsync(_db.App, hotel, "g", Booking.Night(120), Booking.Night(121), ct);
        var rollback = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "sql", "rollback.sql"), ct);

        // Act
        await using (var cmd = _db.Admin.CreateCommand(rollback))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }

        // Assert
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            "select count(*) from pg_namespace where nspname in ('booking', 'booking_migrations')", ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            """
            select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
             where n.nspname = 'public' and p.proname in ('create_booking_with_atomic_lock', 'check_availability_with_lock',
               'assign_accommodation_item_atomically', 'check_for_double_bookings', 'confirm_booking', 'cancel_booking',
               'expire_stale_holds', 'get_booking', 'create_booking_returning', 'create_bookings', 'check_availability_many',
               'booking_schema_version', 'my_create_booking', 'my_booking', 'my_confirm_booking', 'my_cancel_booking')
            """, ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, "select count(*) from pg_extension where extname = 'btree_gist'", ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')", ct));

        // the database can be migrated again from scratch
        var applied = await new MigrationRunner(_db.Admin, Microsoft.Extensions.Logging.Abstractions.NullLogger<MigrationRunner>.Instance).ApplyAsync(ct);
        Assert.Equal(Migration.Embedded().Count, applied.Count);
        var again = await new MigrationRunner(_db.Admin, Microsoft.Extensions.Logging.Abstractions.NullLogger<MigrationRunner>.Instance).ApplyAsync(ct);
        Assert.Empty(again);
    }

    [Fact]
    public async Task Migrations_run_concurrently_from_several_instances_apply_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await TestDatabaseServer.GetAsync();
        var name = $"m_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(server.AdminConnectionString))
        {
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"create database \"{name}\"", admin);
            await create.ExecuteNonQueryAsync(ct);
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = name }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        // Act
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            new MigrationRunner(dataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger<MigrationRunner>.Instance).ApplyAsync(ct)));

        // Assert
        Assert.Equal(Migration.Embedded().Count, runs.Sum(r => r.Count));
        await dataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(server.AdminConnectionString))
        {
            await admin.OpenAsync(ct);
            await using var drop = new NpgsqlCommand($"drop database \"{name}\" with (force)", admin);
            await drop.ExecuteNonQueryAsync(ct);
        }
    }
}
