using System.Runtime.Versioning;

namespace BookingFunctions.Bench.Workloads;

/// <summary>
/// W4: does a booking or an availability check cost more as history grows? One client (no queueing,
/// so latency is the cost of one call) books and checks one accommodation that already holds 0, then
/// 100k, then 1M bookings (--quick: 0 / 20k / 200k). History is bulk-loaded as superuser with matching
/// per-night counters (bench/sql/history_load.sql, history_counters.sql), so the audit stays clean. At each size
/// the audit itself is timed too: from yesterday on (what the monitor runs) and over the whole history.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class HistoryGrowthWorkload
{
    public static async Task RunAsync(BenchContext c, CancellationToken ct)
    {
        await using var db = await c.Server.CreateDatabaseAsync("w4", 8, ct);
        var accommodation = await db.AddAccommodationAsync("Long history", HotPropertyWorkload.LargeCapacity, ct);
        var window = c.Options.Quick ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(10);
        var loaded = 0;
        foreach (var size in c.Options.HistorySizes)
        {
            if (size > loaded)
            {
                await c.Progress.StepAsync($"W4: load history to {size:N0} bookings", async () =>
                {
                    await db.ExecuteAsync(BenchSql.File("history_load.sql"),
                        new { AccommodationId = accommodation, From = loaded + 1, To = size }, ct);
                    await db.ExecuteAsync(BenchSql.File("history_counters.sql"), new { AccommodationId = accommodation }, ct);
                    // what autovacuum would have done by the time a real table got this big
                    await db.ExecuteAsync("vacuum analyze booking.bookings", null, ct);
                    await db.ExecuteAsync("vacuum analyze booking.night_inventory", null, ct);
                    await db.ExecuteAsync("vacuum analyze booking.booking_events", null, ct);
                });
                loaded = size;
            }

            var total = await db.ScalarAsync<long>("select count(*) from booking.bookings", null, ct);
            var label = Size(size);
            var book = await c.MeasureAsync(db, $"W4b{label}", $"W4 booking @ {label}", c.Loop(1, window),
                HotPropertyWorkload.Booker(db, accommodation, 1, $"w4-{label}"), ct);
            var check = await c.MeasureAsync(db, $"W4a{label}", $"W4 availability @ {label}", c.Loop(1, window),
                (_, r, token) =>
                {
                    var (checkIn, checkOut) = Calls.RandomStay(r);
                    return Calls.CheckAvailabilityAsync(db.DataSource, accommodation, checkIn, checkOut, token);
                }, ct);
            // The audit itself at this size (issue 15): what the monitor runs every 5 minutes, and the whole history.
            // Timed call by call (a closed loop's window would cut off calls of seconds), with the backend's CPU time,
            // which a busy machine inflates far less than wall time.
            var auditFromYesterday = await AuditTiming.RunAsync(db, BenchSql.AuditFromYesterday, c.Options.Quick ? 2 : 3, ct);
            var auditWhole = await AuditTiming.RunAsync(db, BenchSql.AuditWholeHistory, c.Options.Quick ? 2 : 3, ct);
            var audit = await AuditResult.RunAsync(db, ct);
            c.Add(new ResultRow($"W4b{label}", $"W4 booking latency, 1 client, {label} existing bookings", Ceiling.None, book,
                audit.Issues, audit.Oversells, $"{total:N0} rows in bookings at start; audit {audit.Summary}"));
            c.Add(new ResultRow($"W4a{label}", $"W4 availability latency, 1 client, {label} existing bookings", Ceiling.None, check,
                null, null, "read-only"));
            c.Add(new ResultRow($"W4y{label}", $"W4 audit from yesterday (the monitor's), {label} existing bookings", Ceiling.None,
                auditFromYesterday.Measurement, null, null, $"check_for_double_bookings(yesterday); {auditFromYesterday.Summary}"));
            c.Add(new ResultRow($"W4u{label}", $"W4 audit of the whole history, {label} existing bookings", Ceiling.None,
                auditWhole.Measurement, null, null, $"check_for_double_bookings(); {auditWhole.Summary}"));
        }
    }

    public static string Size(int size) => size switch
    {
        0 => "0",
        >= 1_000_000 when size % 1_000_000 == 0 => $"{size / 1_000_000}M",
        >= 1000 when size % 1000 == 0 => $"{size / 1000}k",
        _ => size.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
