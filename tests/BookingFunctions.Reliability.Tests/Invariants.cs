using System.Data;
using BookingFunctions.Testing;
using Dapper;

namespace BookingFunctions.Reliability.Tests;

/// <summary>
/// The test's own recount of the invariants, from booking.bookings as the superuser, independent of
/// check_for_double_bookings(): per night (active ≤ capacity), per item (no overlapping active stays share an
/// item), counters (night_inventory.reserved = pending + confirmed covering the night), history (every booking
/// has exactly one 'created' event; a cancelled or expired one has its event). One repeatable-read snapshot,
/// so now() and every row agree. The product judges holds by the clock of each call (clock_timestamp()), a little
/// later than now(): a hold can expire in between, and holds only ever stop counting, so the availability answer
/// must lie between the recount at the clock read just before the calls and the one read just after.
/// </summary>
internal static class Invariants
{
    public sealed record Report(IReadOnlyList<string> Violations, int Oversells, int Bookings, int Active)
    {
        public bool Healthy => Violations.Count == 0;
    }

    private sealed class Row
    {
        public Guid Id { get; set; }
        public Guid AccommodationId { get; set; }
        public int In { get; set; }
        public int Out { get; set; }
        public string Status { get; set; } = "";
        public bool Active { get; set; }
        public Guid? ItemId { get; set; }
        public DateTime? HoldExpiresAt { get; set; }
        public long Created { get; set; }
        public long Released { get; set; }
    }

    private sealed class Night
    {
        public Guid AccommodationId { get; set; }
        public int Day { get; set; }
        public int Reserved { get; set; }
    }

    private sealed class Capacity
    {
        public Guid Id { get; set; }
        public int? TotalInventory { get; set; }
    }

    /// <summary>Recounts the given accommodations (all when null) and runs the product's audit over the whole database.</summary>
    public static async Task<Report> CheckAsync(TestDatabase db, IReadOnlyCollection<Guid>? accommodations, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var ids = accommodations?.ToArray();
        var capacities = (await connection.QueryAsync<Capacity>(new CommandDefinition(
            """
            select id as "Id", total_inventory as "TotalInventory" from booking.accommodations
             where @Ids::uuid[] is null or id = any(@Ids)
            """, new { Ids = ids }, tx, cancellationToken: ct))).ToDictionary(c => c.Id, c => c.TotalInventory);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            """
            select b.id as "Id", b.accommodation_id as "AccommodationId",
                   b.check_in - date '2000-01-01' as "In", b.check_out - date '2000-01-01' as "Out",
                   b.status::text as "Status",
                   (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > now())) as "Active",
                   b.item_id as "ItemId",
                   b.hold_expires_at as "HoldExpiresAt",
                   (select count(*) from booking.booking_events e where e.booking_id = b.id and e.event = 'created') as "Created",
                   (select count(*) from booking.booking_events e where e.booking_id = b.id and e.event = b.status::text) as "Released"
              from booking.bookings b
             where @Ids::uuid[] is null or b.accommodation_id = any(@Ids)
            """, new { Ids = ids }, tx, cancellationToken: ct))).ToList();
        var nights = (await connection.QueryAsync<Night>(new CommandDefinition(
            """
            select accommodation_id as "AccommodationId", night - date '2000-01-01' as "Day", reserved as "Reserved"
              from booking.night_inventory where @Ids::uuid[] is null or accommodation_id = any(@Ids)
            """, new { Ids = ids }, tx, cancellationToken: ct))).ToList();
        // What the public availability call says for each accommodation's whole booked span, in this same snapshot
        var spans = rows.GroupBy(r => r.AccommodationId).Select(g => (Id: g.Key, From: g.Min(r => r.In), To: g.Max(r => r.Out))).ToList();
        var available = new Dictionary<Guid, int>();
        var clockBefore = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition("select clock_timestamp()", transaction: tx, cancellationToken: ct));
        foreach (var span in spans)
        {
            available[span.Id] = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "select check_availability_with_lock(@Id, date '2000-01-01' + @From, date '2000-01-01' + @To)",
                new { span.Id, span.From, span.To }, tx, cancellationToken: ct));
        }

        var clockAfter = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition("select clock_timestamp()", transaction: tx, cancellationToken: ct));

        var audit = (await connection.QueryAsync<string>(new CommandDefinition(
            "select issue || ' ' || accommodation_id || ' ' || coalesce(night::text, '') || ' ' || coalesce(item_id::text, '') from check_for_double_bookings()",
            transaction: tx, cancellationToken: ct))).ToList();
        await tx.CommitAsync(ct);

        var violations = audit.Select(a => $"audit: {a}").ToList();
        var oversells = 0;
        foreach (var group in rows.GroupBy(r => r.AccommodationId))
        {
            var capacity = capacities.GetValueOrDefault(group.Key);
            var active = new Dictionary<int, int>();
            var held = new Dictionary<int, int>();
            foreach (var b in group)
            {
                for (var d = b.In; d < b.Out; d++)
                {
                    if (b.Active)
                    {
                        active[d] = active.GetValueOrDefault(d) + 1;
                    }

                    if (b.Status is "pending" or "confirmed")
                    {
                        held[d] = held.GetValueOrDefault(d) + 1;
                    }
                }

                if (b.Created != 1)
                {
                    violations.Add($"booking {b.Id} has {b.Created} 'created' events (partial or duplicated write)");
                }

                if (b.Status is "cancelled" or "expired" && b.Released < 1)
                {
                    violations.Add($"booking {b.Id} is {b.Status} without its event");
                }
            }

            if (capacity is { } cap)
            {
                foreach (var (day, count) in active.Where(n => n.Value > cap))
                {
                    oversells++;
                    violations.Add($"oversold: accommodation {group.Key} night {Day(day)} has {count} active bookings for {cap} rooms");
                }

                var atLeast = Math.Max(cap - Busiest(group, clockBefore), 0);
                var atMost = Math.Max(cap - Busiest(group, clockAfter), 0);
                if (available.TryGetValue(group.Key, out var said) && (said < atLeast || said > atMost))
                {
                    violations.Add(atLeast == atMost
                        ? $"availability: accommodation {group.Key} says {said} free, recount says {atLeast}"
                        : $"availability: accommodation {group.Key} says {said} free, recount says {atLeast} to {atMost} (holds expiring during the check)");
                }

                var recorded = nights.Where(n => n.AccommodationId == group.Key).ToDictionary(n => n.Day, n => n.Reserved);
                foreach (var day in recorded.Keys.Union(held.Keys))
                {
                    if (recorded.GetValueOrDefault(day) != held.GetValueOrDefault(day))
                    {
                        violations.Add($"leaked inventory: accommodation {group.Key} night {Day(day)} counter {recorded.GetValueOrDefault(day)} " +
                                       $"but {held.GetValueOrDefault(day)} pending+confirmed bookings");
                    }
                }
            }

            var assigned = group.Where(b => b.Active && b.ItemId is not null).GroupBy(b => b.ItemId);
            foreach (var item in assigned)
            {
                var stays = item.OrderBy(b => b.In).ToList();
                for (var i = 1; i < stays.Count; i++)
                {
                    if (stays[i].In < stays.Take(i).Max(s => s.Out))
                    {
                        oversells++;
                        violations.Add($"item {item.Key} shared by overlapping bookings (one is {stays[i].Id})");
                    }
                }
            }
        }

        // counters of accommodations without any booking row must be zero too
        foreach (var n in nights.Where(n => n.Reserved != 0 && rows.All(r => r.AccommodationId != n.AccommodationId)))
        {
            violations.Add($"leaked inventory: accommodation {n.AccommodationId} night {Day(n.Day)} counter {n.Reserved} without bookings");
        }

        return new Report(violations, oversells, rows.Count, rows.Count(r => r.Active));
    }

    /// <summary>Row counts of every booking table: a rejected request must leave all of them unchanged.</summary>
    public static async Task<long[]> RowCountsAsync(TestDatabase db, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        var counts = await connection.QuerySingleAsync<(long, long, long, long, long)>(new CommandDefinition(
            """
            select (select count(*) from booking.accommodations), (select count(*) from booking.accommodation_items),
                   (select count(*) from booking.bookings), (select count(*) from booking.night_inventory),
                   (select count(*) from booking.booking_events)
            """, cancellationToken: ct));
        return [counts.Item1, counts.Item2, counts.Item3, counts.Item4, counts.Item5];
    }

    /// <summary>The most bookings active on one night at clock reading <paramref name="at"/> (a hold counts until it expires).</summary>
    private static int Busiest(IEnumerable<Row> bookings, DateTime at)
    {
        var perNight = new Dictionary<int, int>();
        foreach (var b in bookings.Where(b => b.Status == "confirmed" || (b.Status == "pending" && b.HoldExpiresAt > at)))
        {
            for (var d = b.In; d < b.Out; d++)
            {
                perNight[d] = perNight.GetValueOrDefault(d) + 1;
            }
        }

        return perNight.Count == 0 ? 0 : perNight.Values.Max();
    }

    private static string Day(int day) => new DateOnly(2000, 1, 1).AddDays(day).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
