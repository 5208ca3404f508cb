using System.Runtime.Versioning;

namespace BookingFunctions.Bench.Workloads;

/// <summary>W1: 32 clients book random 1-7 night stays over the next year at one accommodation.</summary>
[UnsupportedOSPlatform("windows")]
public static class HotPropertyWorkload
{
    // Large enough that no night sells out within a run (~ a few thousand bookings per night at most):
    // W1 measures the cost of deciding, not of refusing.
    public const int LargeCapacity = 1_000_000;

    public static async Task RunAsync(BenchContext c, CancellationToken ct)
    {
        await RunAsync(c, "W1", "W1 hot property: 1 accommodation, random 1-7 nights over a year", oneCallEach: false, ct);
        await RunAsync(c, "W1-call", "W1 with one create_booking_with_atomic_lock call per booking (no batching)", oneCallEach: true, ct);
    }

    private static async Task RunAsync(BenchContext c, string id, string title, bool oneCallEach, CancellationToken ct)
    {
        await using var db = await c.Server.CreateDatabaseAsync(id.Replace('-', '_').ToLowerInvariant(), c.Options.Clients + 8, ct);
        var accommodation = await db.AddAccommodationAsync("Hot property", LargeCapacity, ct);
        var m = await c.MeasureAsync(db, id, title, c.Loop(c.Options.Clients),
            Booker(db, accommodation, c.Options.Clients, id.ToLowerInvariant(), oneCallEach), ct);
        var audit = await AuditResult.RunAsync(db, ct);
        var path = Calls.PathSummary(db, oneCallEach);
        c.Add(new ResultRow(id, title, Ceiling.RandomRow, m,
            audit.Issues, audit.Oversells, $"{path}; capacity {LargeCapacity:N0} (never sells out); audit {audit.Summary}"));
    }

    /// <summary>
    /// Random stays at one accommodation; every call has its own guest and idempotency key, as the API sends.
    /// Through the product path (BookingBatcher) unless <paramref name="oneCallEach"/>.
    /// </summary>
    public static ClientCall Booker(BenchDatabase db, Guid accommodation, int clients, string prefix, bool oneCallEach = false)
    {
        var seq = new long[clients];
        return (client, r, token) =>
        {
            var (checkIn, checkOut) = Calls.RandomStay(r);
            var n = seq[client]++;
            return Calls.BookAsync(db, accommodation, $"{prefix}-g{client}-{n}", checkIn, checkOut, $"k{n}", token, oneCallEach);
        };
    }
}
