using System.Globalization;
using System.Runtime.Versioning;
using BookingFunctions.Bookings;

namespace BookingFunctions.Bench.Workloads;

/// <summary>
/// W9 (issue 13): 32 clients each booking groups of 3 rooms (all or none) at one property with three room types,
/// through the product's BookingBatcher — a group is one request of a batch. W9-single: the same clients booking one
/// room per call on the same room types, the reference for rooms per second.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class GroupWorkload
{
    public const int RoomsPerGroup = 3;

    public static async Task RunAsync(BenchContext c, CancellationToken ct)
    {
        await RunAsync(c, "W9", $"W9 groups of {RoomsPerGroup} rooms: 1 property, 3 room types, one stay per group", grouped: true, ct);
        await RunAsync(c, "W9-single", "W9 reference: the same room types, one room per call", grouped: false, ct);
    }

    private static async Task RunAsync(BenchContext c, string id, string title, bool grouped, CancellationToken ct)
    {
        await using var db = await c.Server.CreateDatabaseAsync(id.Replace('-', '_').ToLowerInvariant(), c.Options.Clients + 8, ct);
        // never sells out (as W1): W9 measures the cost of deciding a group, not of refusing one
        var types = new List<Guid>();
        foreach (var name in new[] { "Harbour View Double", "Garden Twin", "Family Suite" })
        {
            types.Add(await db.AddAccommodationAsync(name, HotPropertyWorkload.LargeCapacity, ct));
        }

        var seq = new long[c.Options.Clients];
        var m = await c.MeasureAsync(db, id, title, c.Loop(c.Options.Clients), (client, r, token) =>
        {
            var (checkIn, checkOut) = Calls.RandomStay(r);
            var n = seq[client]++;
            var guest = $"{id.ToLowerInvariant()}-g{client}-{n}";
            return grouped
                ? db.Batcher.BookAsync(BookingOrder.Group(guest,
                    Enumerable.Range(0, RoomsPerGroup).Select(_ => new RoomStay(types[r.Next(types.Count)], checkIn, checkOut, 1)).ToList(), $"k{n}"), token)
                : Calls.BookAsync(db, types[r.Next(types.Count)], guest, checkIn, checkOut, $"k{n}", token);
        }, ct);
        var audit = await AuditResult.RunAsync(db, ct);
        var roomsPerCall = grouped ? RoomsPerGroup : 1;
        var rooms = string.Create(CultureInfo.InvariantCulture, $"{m.Tps * roomsPerCall:0} rooms/s");
        c.Add(new ResultRow(id, title, Ceiling.None, m, audit.Issues, audit.Oversells,
            $"{(grouped ? "TPS = groups/s; " : "")}{rooms}; {db.BatchSummary}; audit {audit.Summary}"));
        c.Finding(string.Create(CultureInfo.InvariantCulture,
            $"{id}: {m.Tps * roomsPerCall:0} rooms/s ({m.Tps:0} {(grouped ? "groups" : "bookings")}/s), p99 {m.P99Ms:0.0} ms per {(grouped ? "group" : "booking")}, " +
            $"{c.Options.Clients} clients; {db.BatchSummary}"));
    }
}
