using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

/// <summary>
/// What transaction pooling does to a client, shown on the test PgBouncer the *ThroughPgBouncer suites use: each
/// transaction may run in another server session, so nothing may be left in a session from one call to the next.
/// These are the reasons behind the README's pooler settings; the product's own calls pass through it in the
/// *ThroughPgBouncer suites.
/// </summary>
public sealed class TransactionPoolingTests(PgBouncerDatabaseFixture fixture) : IClassFixture<PgBouncerDatabaseFixture>
{
    private readonly TestDatabase _db = fixture.Database;

    /// <summary>Makes the pool hold two idle server connections, which the test PgBouncer hands out in turn.</summary>
    private async Task TwoServerConnectionsAsync(CancellationToken ct)
    {
        await using var a = await _db.App.OpenConnectionAsync(ct);
        await using var b = await _db.App.OpenConnectionAsync(ct);
        await using var ta = await a.BeginTransactionAsync(ct);
        await using var tb = await b.BeginTransactionAsync(ct);
        // a statement inside each open transaction pins one server connection to each client at the same time
        foreach (var (connection, transaction) in new[] { (a, ta), (b, tb) })
        {
            await using var cmd = new NpgsqlCommand("select 1", connection, transaction);
            await cmd.ExecuteScalarAsync(ct);
        }

        await ta.CommitAsync(ct);
        await tb.CommitAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }

    [Fact]
    public async Task Two_transactions_on_one_client_connection_run_in_two_server_sessions()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.True(_db.ThroughPgBouncer);
        await TwoServerConnectionsAsync(ct);
        await using var connection = await _db.App.OpenConnectionAsync(ct);

        // Act
        var first = await ScalarAsync<int>(connection, "select pg_backend_pid()", ct);
        var second = await ScalarAsync<int>(connection, "select pg_backend_pid()", ct);

        // Assert
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task A_setting_made_without_LOCAL_does_not_follow_the_client_to_its_next_transaction()
    {
        var ct = TestContext.Current.CancellationToken;
        await TwoServerConnectionsAsync(ct);
        await using var connection = await _db.App.OpenConnectionAsync(ct);

        // Act
        await using (var set = new NpgsqlCommand("set lock_timeout = '123ms'", connection))
        {
            await set.ExecuteNonQueryAsync(ct);
        }
        var seen = await ScalarAsync<string>(connection, "show lock_timeout", ct);

        // Assert: the functions set lock_timeout in their own definition (SET clause), never per session
        Assert.NotEqual("123ms", seen);
    }

    [Fact]
    public async Task Auto_prepared_statements_fail_behind_PgBouncer_without_prepared_statement_support()
    {
        var ct = TestContext.Current.CancellationToken;
        await TwoServerConnectionsAsync(ct);
        // what a copy of the bench's connection string would do behind PgBouncer 1.18 (< 1.21, no max_prepared_statements)
        await using var preparing = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_db.AppConnectionString)
        {
            MaxAutoPrepare = 8,
            AutoPrepareMinUsages = 1,
            MaxPoolSize = 1,
        }.ConnectionString);
        await using var connection = await preparing.OpenConnectionAsync(ct);
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 3, ct);
        var night = Booking.Night(20);

        // Act: the statement is prepared in the session the first call lands in, then executed by name in the next
        var state = await Booking.SqlStateOf(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                await using var cmd = new NpgsqlCommand("select check_availability_with_lock($1, $2, $3)", connection);
                cmd.Parameters.AddWithValue(hotel);
                cmd.Parameters.AddWithValue(night);
                cmd.Parameters.AddWithValue(night.AddDays(1));
                await cmd.ExecuteScalarAsync(ct);
            }
        });

        // Assert: 26000 "prepared statement "_auto1" does not exist" (hence Max Auto Prepare = 0, the default)
        Assert.Equal("26000", state);
    }
}
