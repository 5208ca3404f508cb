using System.Runtime.Versioning;
using Npgsql;

namespace BookingFunctions.Bench.Workloads;

/// <summary>
/// W5: availability readers run while W1's 32 bookers write the same accommodation. The readers use a
/// data source of their own that differs only in its application name ("bench-reader"), so the wait
/// sampler can tell their backends apart: any Lock wait event or ungranted pg_locks entry of a reader
/// backend would disprove "readers never wait on locks". The writers' own lock waits, sampled the same
/// way, show that the sampler does see lock waits when they happen.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class ReadsUnderWritesWorkload
{
    public static async Task RunAsync(BenchContext c, CancellationToken ct)
    {
        await using var db = await c.Server.CreateDatabaseAsync("w5", c.Options.Clients + 8, ct);
        var accommodation = await db.AddAccommodationAsync("Read while written", HotPropertyWorkload.LargeCapacity, ct);
        await using var readers = NpgsqlDataSource.Create(
            BenchDatabase.ClientConnectionString(db.Server.AdminConnectionString, db.Name, c.Options.ReaderClients + 4, "bench-reader"));

        var writerLoop = c.Loop(c.Options.Clients);
        var readerLoop = c.Loop(c.Options.ReaderClients);
        var writer = HotPropertyWorkload.Booker(db, accommodation, c.Options.Clients, "w5");
        ClientCall reader = (_, r, token) =>
        {
            var (checkIn, checkOut) = Calls.RandomStay(r);
            return Calls.CheckAvailabilityAsync(readers, accommodation, checkIn, checkOut, token);
        };

        // The same readers first on their own: what their latency is when nothing competes for the CPU.
        var aloneLoop = c.Loop(c.Options.ReaderClients);
        var alone = await c.MeasureAsync(db, "W5r0", "W5 readers alone", aloneLoop, reader, ct);
        c.Add(new ResultRow("W5r0", $"W5 the same availability readers ({c.Options.ReaderClients} clients) with no writers", Ceiling.None, alone,
            null, null, "baseline for W5r: the latency the readers have when the CPU is theirs"));

        long readerLockWaits = 0, readerUngranted = 0, readerActive = 0, writerLockWaits = 0, writerUngranted = 0, samples = 0;
        var (writes, reads) = await c.MeasureAsync(db, "W5", "W5 reads under W1 writes", writerLoop,
            async () =>
            {
                var w = writerLoop.RunAsync(writer, ct);
                var rd = readerLoop.RunAsync(reader, ct);
                return (await w, await rd);
            }, ct,
            sampler =>
            {
                samples = sampler.Samples;
                readerLockWaits = sampler.LockWaits("bench-reader");
                readerUngranted = sampler.Ungranted.GetValueOrDefault("bench-reader");
                readerActive = sampler.ActiveSamples("bench-reader");
                writerLockWaits = sampler.LockWaits("bench");
                writerUngranted = sampler.Ungranted.GetValueOrDefault("bench");
            });
        var audit = await AuditResult.RunAsync(db, ct);
        var proof = $"{samples:N0} samples of pg_stat_activity + pg_locks every 10 ms: reader backends seen active {readerActive:N0} times, " +
                    $"waiting on a Lock {readerLockWaits}, holding an ungranted lock request {readerUngranted}; " +
                    $"writer backends waiting on a Lock {writerLockWaits:N0}, ungranted {writerUngranted:N0} (the sampler sees lock waits when they exist)";
        c.Finding($"W5 lock proof: {proof}");
        c.Add(new ResultRow("W5r", $"W5 availability readers ({c.Options.ReaderClients} clients) during W1 writes", Ceiling.None, reads,
            null, null, $"reader lock waits {readerLockWaits}, ungranted {readerUngranted}"));
        c.Add(new ResultRow("W5w", "W5 W1 writers while readers run", Ceiling.RandomRow, writes,
            audit.Issues, audit.Oversells, $"{db.BatchSummary}; audit {audit.Summary}"));
        if (!c.Server.UseExperiment)
        {
            c.ReaderLockWaits = readerLockWaits + readerUngranted;
        }
    }
}
