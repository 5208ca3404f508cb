using System.Runtime.Versioning;

namespace BookingFunctions.Bench.Workloads;

/// <summary>
/// O1: the original design (bench/sql/original_design.sql) on W1's load: one accommodation, random 1-7
/// night stays over a year, 32 clients. Every booking queues on the accommodation row lock.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class OriginalDesignWorkload
{
    public static async Task RunAsync(BenchContext c, CancellationToken ct)
    {
        await using var db = await c.Server.CreateDatabaseAsync("original", c.Options.Clients + 8, ct);
        var accommodation = await db.AddAccommodationAsync("Original design hotel", HotPropertyWorkload.LargeCapacity, ct);
        var seq = new long[c.Options.Clients];
        var m = await c.MeasureAsync(db, "O1", "O1 original design, W1 load", c.Loop(c.Options.Clients),
            (client, r, token) =>
            {
                var (checkIn, checkOut) = Calls.RandomStay(r);
                return Calls.OriginalCreateBookingAsync(db.DataSource, accommodation, $"o{client}-{seq[client]++}", checkIn, checkOut, token);
            }, ct);
        var oversold = await db.ScalarAsync<long>("select bench_original.oversold_nights()", null, ct);
        c.Add(new ResultRow("O1", "Original design (lock accommodation row, count, insert), W1 load", Ceiling.RandomRow, m,
            null, oversold, "reference; bench-only SQL; own bookings table, per-night oversell check"));
    }
}
