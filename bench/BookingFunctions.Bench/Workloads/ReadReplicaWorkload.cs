using System.Globalization;
using System.Runtime.Versioning;
using BookingFunctions.Bookings;
using BookingFunctions.Database;
using BookingFunctions.LocalPostgres;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Bench.Workloads;

/// <summary>
/// W8, reads on a replica: W1's 32 bookers write one accommodation on a primary of their own while 32 availability
/// readers ask about it through the hosts' AvailabilityBatcher —
/// W8p: the readers on the primary (one server does everything);
/// W8s: the readers on a hot standby of it (pg_basebackup -R, streaming on loopback), the bookers alone on the primary.
/// Each phase reports reads/s and reader latency (W8pr, W8sr) beside the bookings' throughput (W8pw, W8sw); the
/// standby phase also samples how far replay lagged behind (pg_stat_replication.replay_lag).
/// On this machine both servers share the same 2 cores: a standby adds no CPU here, only a separate set of backends.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class ReadReplicaWorkload
{
    public static async Task RunAsync(BenchContext c, CancellationToken ct)
    {
        if (c.Options.ConnectionString is not null)
        {
            foreach (var id in new[] { "W8pr", "W8pw", "W8sr", "W8sw" })
            {
                c.Add(new ResultRow(id, $"{id} reads on a replica", Ceiling.None, null, null, null, "",
                    $"W8 starts a primary and a standby of its own; not with {BenchOptions.ConnectionStringVariable}"));
            }

            return;
        }

        await using var server = await BenchServer.StartDedicatedAsync(c.Options, BenchServer.MainMaxConnections, ct);
        server.UseExperiment = c.Server.UseExperiment;
        LocalPostgresCluster? standby = null;
        await c.Progress.StepAsync("W8: starting a hot standby (pg_basebackup)", async () => standby = await server.StartStandbyAsync(ct));
        await RunPhaseAsync(c, server, null, ct);
        await RunPhaseAsync(c, server, standby, ct);
    }

    private static async Task RunPhaseAsync(BenchContext c, BenchServer server, LocalPostgresCluster? standby, CancellationToken ct)
    {
        var id = standby is null ? "W8p" : "W8s";
        var where = standby is null ? "on the primary" : "on a hot standby";
        var readers = c.Options.Clients;
        await using var db = await server.CreateDatabaseAsync(id.ToLowerInvariant(), c.Options.Clients + 8, ct);
        var accommodation = await db.AddAccommodationAsync("Read on a replica", HotPropertyWorkload.LargeCapacity, ct);
        var readServer = standby?.ConnectionString ?? server.AdminConnectionString;
        await using var reads = NpgsqlDataSource.Create(BenchDatabase.ClientConnectionString(readServer, db.Name, readers + 4, "bench-reader"));
        if (standby is not null)
        {
            await WaitForReplayAsync(db, reads, ct);
        }

        bool inRecovery;
        await using (var connection = await reads.OpenConnectionAsync(ct))
        {
            inRecovery = await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select pg_is_in_recovery()", cancellationToken: ct));
        }

        var calls = new DatabaseCalls(reads, Options.Create(server.BookingOptions), TimeProvider.System,
            new DatabaseOutageLog(Options.Create(new DatabaseOptions()), TimeProvider.System, NullLogger<DatabaseOutageLog>.Instance));
        await using var availability = new AvailabilityBatcher(calls, Options.Create(server.BookingOptions));
        var writer = HotPropertyWorkload.Booker(db, accommodation, c.Options.Clients, id.ToLowerInvariant());
        ClientCall reader = (_, r, token) =>
        {
            var (checkIn, checkOut) = Calls.RandomStay(r);
            return availability.AvailabilityAsync(new AvailabilityQuery(accommodation, checkIn, checkOut), token);
        };

        var writerLoop = c.Loop(c.Options.Clients);
        var readerLoop = c.Loop(readers);
        await using var lag = new ReplayLagSampler(db);
        var (writes, readResults) = await c.MeasureAsync(db, id, $"W8 W1 writers with availability readers {where}", writerLoop, async () =>
        {
            if (standby is not null)
            {
                lag.Start();
            }

            try
            {
                var w = writerLoop.RunAsync(writer, ct);
                var rd = readerLoop.RunAsync(reader, ct);
                return (await w, await rd);
            }
            finally
            {
                await lag.StopAsync();
            }
        }, ct);
        var audit = await AuditResult.RunAsync(db, ct);
        var lagNote = standby is null
            ? "readers and writers share the primary"
            : string.Create(CultureInfo.InvariantCulture,
                $"replay lag at most {lag.MaxLagMs:0.0} ms (pg_stat_replication.replay_lag, sampled every 100 ms), at most {lag.MaxBytesBehind / 1024.0:0} KiB of WAL behind");
        c.Add(new ResultRow($"{id}r", $"W8 availability readers ({readers} clients, AvailabilityBatcher) {where} while W1 writes", Ceiling.None, readResults,
            null, null, $"reads from a server in recovery: {(inRecovery ? "yes" : "no")}; {lagNote}"));
        c.Add(new ResultRow($"{id}w", $"W8 W1 writers ({c.Options.Clients} clients) on the primary beside readers {where}", Ceiling.None, writes,
            audit.Issues, audit.Oversells, $"{db.BatchSummary}; audit {audit.Summary}"));
        c.Replica[c.ResultKey(id)] = new ReplicaResult(inRecovery, standby is null ? null : lag.MaxLagMs, standby is null ? null : lag.MaxBytesBehind);
    }

    /// <summary>Waits until the standby has replayed the workload's new database and its accommodation.</summary>
    private static async Task WaitForReplayAsync(BenchDatabase db, NpgsqlDataSource standby, CancellationToken ct)
    {
        var lsn = await db.ScalarAsync<string>("select pg_current_wal_insert_lsn()::text", null, ct);
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            try
            {
                await using var connection = await standby.OpenConnectionAsync(ct);
                if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                        "select pg_last_wal_replay_lsn() >= @lsn::pg_lsn", new { lsn }, cancellationToken: ct)))
                {
                    return;
                }
            }
            catch (PostgresException e) when (e.SqlState == "3D000")
            {
                // the database's creation is not replayed yet
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The W8 standby did not replay {lsn} within 2 minutes.");
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>pg_stat_replication on the primary, every 100 ms: the walsender's own measure of replay lag.</summary>
    private sealed class ReplayLagSampler(BenchDatabase db) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task? _loop;

        public double MaxLagMs { get; private set; }

        public long MaxBytesBehind { get; private set; }

        public void Start() => _loop = Task.Run(LoopAsync);

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            if (_loop is not null)
            {
                await _loop;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            _stop.Dispose();
        }

        private async Task LoopAsync()
        {
            await using var connection = await db.Admin.OpenConnectionAsync(CancellationToken.None);
            while (!_stop.IsCancellationRequested)
            {
                var (lagMs, behind) = await connection.QuerySingleOrDefaultAsync<(double?, long?)>(new CommandDefinition(
                    """
                    select extract(epoch from replay_lag) * 1000,
                           pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint
                      from pg_stat_replication
                     limit 1
                    """, cancellationToken: CancellationToken.None));
                MaxLagMs = Math.Max(MaxLagMs, lagMs ?? 0);
                MaxBytesBehind = Math.Max(MaxBytesBehind, behind ?? 0);
                try
                {
                    await Task.Delay(100, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
