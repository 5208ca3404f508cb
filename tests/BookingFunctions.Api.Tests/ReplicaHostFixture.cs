using System.Runtime.Versioning;
using Dapper;
using Npgsql;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// A database on the throwaway cluster, its hot standby (streaming replication on loopback), and the standalone
/// host with <c>BookingDb</c> on the primary and <c>BookingDbReadOnly</c> on the standby. Without a local cluster
/// (BOOKING_TEST_CONNECTION_STRING, Testcontainers) there is no standby to start: the tests skip, saying so.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ReplicaHostFixture : IAsyncLifetime
{
    /// <summary>How long replication may take to catch up on this machine before a test gives up: generous on purpose.</summary>
    public static readonly TimeSpan ReplayBound = TimeSpan.FromSeconds(90);

    private TestDatabase? _database;
    private HostedApp? _host;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Fixture not initialised.");

    internal HostedApp Host => _host ?? throw new InvalidOperationException("Fixture not initialised.");

    /// <summary>Superuser on the standby's copy of <see cref="Database"/> (to pause and resume replay).</summary>
    public NpgsqlDataSource StandbyAdmin { get; private set; } = null!;

    /// <summary>The app role on the standby's copy of <see cref="Database"/>.</summary>
    public string StandbyAppConnectionString { get; private set; } = "";

    /// <summary>Why there is no standby, or null when there is one.</summary>
    public string? Unavailable { get; private set; }

    public void SkipWithoutStandby()
    {
        if (Unavailable is not null)
        {
            Assert.Skip(Unavailable);
        }
    }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await TestDatabaseServer.GetAsync();
        var standby = await server.StandbyAsync();
        if (standby is null)
        {
            Unavailable = $"The tests use {server.Source}; a standby is started only for the throwaway local cluster.";
            return;
        }

        _database = await server.CreateDatabaseAsync("replica", ct);
        StandbyAdmin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(standby.ConnectionString) { Database = _database.Name }.ConnectionString);
        StandbyAppConnectionString = new NpgsqlConnectionStringBuilder(_database.DirectAppConnectionString) { Port = standby.Port }.ConnectionString;
        // the new database exists on the standby once its creation is replayed
        await WaitForReplayAsync(ct);
        _host = await HostedApp.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:BookingDb"] = _database.AppConnectionString,
            ["ConnectionStrings:BookingDbReadOnly"] = StandbyAppConnectionString,
        }, ct);
    }

    /// <summary>Waits until the standby has replayed everything the primary has written so far.</summary>
    public async Task WaitForReplayAsync(CancellationToken ct)
    {
        string lsn;
        await using (var primary = await Database.Admin.OpenConnectionAsync(ct))
        {
            // the insert position: the throwaway cluster commits asynchronously (synchronous_commit off), so the
            // last commit record may not have been written out yet, and pg_current_wal_lsn() would be behind it
            lsn = await primary.ExecuteScalarAsync<string>(new CommandDefinition("select pg_current_wal_insert_lsn()::text", cancellationToken: ct)) ?? "";
        }

        var until = DateTime.UtcNow + ReplayBound;
        while (true)
        {
            try
            {
                await using var connection = await StandbyAdmin.OpenConnectionAsync(ct);
                if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                        "select pg_last_wal_replay_lsn() >= @lsn::pg_lsn", new { lsn }, cancellationToken: ct)))
                {
                    return;
                }
            }
            catch (PostgresException e) when (e.SqlState == "3D000" && DateTime.UtcNow < until)
            {
                // database not replayed yet
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The standby did not replay {lsn} within {ReplayBound}.");
            }

            await Task.Delay(50, ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_database is not null)
        {
            await StandbyAdmin.DisposeAsync();
            await _database.DisposeAsync();
        }
    }
}
