using System.Runtime.Versioning;

namespace BookingFunctions.Bench.Workloads;

/// <summary>
/// W2: 32 clients book the same single night of one accommodation. First with a capacity that keeps
/// selling (the throughput of a fully serialized booking), then with a small capacity that sells out:
/// exactly `capacity` callers may win, every other one must get BK001 (fully booked).
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class FlashSaleWorkload
{
    public static async Task RunAsync(BenchContext c, CancellationToken ct)
    {
        var night = BenchContext.Tomorrow.AddDays(30);
        await using (var db = await c.Server.CreateDatabaseAsync("w2", c.Options.Clients + 8, ct))
        {
            await RunOpenSaleAsync(c, db, "W2", "W2 flash sale: 1 accommodation, the same single night", night, oneCallEach: false, ct);
            await RunSellOutAsync(c, db, night, ct);
        }
        await using (var db = await c.Server.CreateDatabaseAsync("w2_call", c.Options.Clients + 8, ct))
        {
            await RunOpenSaleAsync(c, db, "W2-call", "W2 with one create_booking_with_atomic_lock call per booking (no batching)", night,
                oneCallEach: true, ct);
        }
    }

    private static async Task RunOpenSaleAsync(BenchContext c, BenchDatabase db, string id, string title, DateOnly night, bool oneCallEach,
        CancellationToken ct)
    {
        var open = await db.AddAccommodationAsync("Flash sale, large capacity", HotPropertyWorkload.LargeCapacity, ct);
        var seq = new long[c.Options.Clients];
        var m = await c.MeasureAsync(db, id, title, c.Loop(c.Options.Clients),
            (client, _, token) =>
            {
                var n = seq[client]++;
                return Calls.BookAsync(db, open, $"w2-g{client}-{n}", night, night.AddDays(1), $"k{n}", token, oneCallEach);
            }, ct);
        var audit = await AuditResult.RunAsync(db, ct);
        var path = Calls.PathSummary(db, oneCallEach);
        c.Add(new ResultRow(id, title, Ceiling.HotRow, m,
            audit.Issues, audit.Oversells, $"{path}; capacity {HotPropertyWorkload.LargeCapacity:N0}; audit {audit.Summary}"));
    }

    private static async Task RunSellOutAsync(BenchContext c, BenchDatabase db, DateOnly night, CancellationToken ct)
    {
        var capacity = c.Options.SellOutCapacity;
        var limited = await db.AddAccommodationAsync("Flash sale, sells out", capacity, ct);
        // every client keeps trying until it is told "fully booked"; bounded in time all the same
        var loop = new ClosedLoop
        {
            Clients = c.Options.Clients,
            Warmup = TimeSpan.Zero,
            Duration = TimeSpan.FromSeconds(60),
            MaxRequests = c.Options.MaxRequestsPerWorkload,
            StopClientOn = kind => kind == "BK001",
        };
        var seq = new long[c.Options.Clients];
        var m = await c.MeasureAsync(db, "W2s", "W2 sell-out", loop,
            (client, _, token) =>
            {
                var n = seq[client]++;
                return Calls.BookAsync(db, limited, $"w2s-g{client}-{n}", night, night.AddDays(1), $"k{n}", token);
            }, ct);
        var stored = await db.ScalarAsync<long>(
            "select count(*) from booking.bookings where accommodation_id = @Id and status in ('pending', 'confirmed')", new { Id = limited }, ct);
        var audit = await AuditResult.RunAsync(db, ct);
        var refused = m.Errors.GetValueOrDefault("BK001");
        var exact = m.Ok == capacity && stored == capacity && refused == c.Options.Clients && m.Errors.Count == 1;
        c.Finding($"W2 sell-out: capacity {capacity}, winners {m.Ok} (stored active bookings {stored}), " +
                       $"BK001 refusals {refused} (one per client, each stops at its first), other errors " +
                       $"{m.Errors.Where(e => e.Key != "BK001").Sum(e => e.Value)} → {(exact ? "EXACT" : "WRONG")}");
        c.Add(new ResultRow("W2s", $"W2 sell-out: capacity {capacity}, 32 clients until fully booked", Ceiling.HotRow, m,
            audit.Issues, audit.Oversells,
            $"winners {m.Ok}/{capacity} {(exact ? "exact" : "WRONG")}; BK001 expected for losers; audit {audit.Summary}"));
    }
}
