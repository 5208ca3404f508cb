using System.Globalization;

namespace BookingFunctions.Bench;

/// <summary>One target of issue 5, judged on this run's numbers.</summary>
public sealed record TargetResult(string Target, string Measured, string Verdict);

/// <summary>Judges issue 5's targets: ratios within the same run, so the machine's speed cancels out.</summary>
public static class Targets
{
    public static IReadOnlyList<TargetResult> Evaluate(BenchContext c)
    {
        var rows = c.Rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var results = new List<TargetResult>();
        double? Tps(string id) => rows.TryGetValue(id, out var r) && r.Measurement is { } m ? m.Tps : null;

        if (Tps("W1") is { } w1 && Tps("C1") is { } c1 && Tps("O1") is { } o1)
        {
            var ok = w1 >= 0.6 * c1 && w1 >= 5 * o1;
            results.Add(new("W1 ≥ 60 % of random-row ceiling and ≥ 5× original",
                $"{w1 / c1:P1} of ceiling, {w1 / o1:0.0}× original", Verdict(ok)));
        }

        if (Tps("W2") is { } w2 && Tps("C2") is { } c2)
        {
            results.Add(new("W2 ≥ 80 % of hot-row ceiling", $"{w2 / c2:P1}", Verdict(w2 >= 0.8 * c2)));
        }

        if (rows.TryGetValue("W2s", out var sell) && sell.Measurement is { } s)
        {
            var exact = s.Ok == c.Options.SellOutCapacity && sell.Note.Contains(" exact", StringComparison.Ordinal);
            results.Add(new("W2 sell-out has exactly capacity winners", $"{s.Ok} winners / capacity {c.Options.SellOutCapacity}", Verdict(exact)));
        }

        var first = Workloads.HistoryGrowthWorkload.Size(c.Options.HistorySizes[0]);
        var last = Workloads.HistoryGrowthWorkload.Size(c.Options.HistorySizes[^1]);
        foreach (var (kind, name) in new[] { ("b", "booking"), ("a", "availability") })
        {
            if (rows.TryGetValue($"W4{kind}{first}", out var a) && a.Measurement is { } m0
                && rows.TryGetValue($"W4{kind}{last}", out var b) && b.Measurement is { } m1)
            {
                var p50 = m1.P50Ms / m0.P50Ms;
                var p99 = m1.P99Ms / m0.P99Ms;
                results.Add(new($"W4 {name} latency at {last} ≤ 1.2× at {first} (median)",
                    string.Create(CultureInfo.InvariantCulture, $"p50 {m0.P50Ms:0.000} → {m1.P50Ms:0.000} ms = {p50:0.00}× (p99 {p99:0.00}×)"),
                    Verdict(p50 <= 1.2)));
            }
        }

        if (rows.TryGetValue("W5r", out var reader) && reader.Measurement is { } r5)
        {
            results.Add(new("W5 availability p99 ≤ 2 ms while W1 runs",
                string.Create(CultureInfo.InvariantCulture, $"p99 {r5.P99Ms:0.00} ms"), Verdict(r5.P99Ms <= 2)));
            results.Add(new("W5 zero lock waits for readers", $"{c.ReaderLockWaits} reader samples waiting on a lock",
                Verdict(c.ReaderLockWaits == 0)));
        }

        if (rows.TryGetValue("W6", out var w6))
        {
            if (w6.NotRun is not null || w6.Measurement is null)
            {
                results.Add(new("W6 ≥ 50 % of direct-DB throughput at 64 clients, p99 ≤ 50 ms", w6.NotRun ?? "no numbers", "NOT RUN"));
            }
            else if (Tps("W6d") is { } direct)
            {
                var m = w6.Measurement;
                results.Add(new("W6 ≥ 50 % of direct-DB throughput at 64 clients, p99 ≤ 50 ms",
                    string.Create(CultureInfo.InvariantCulture, $"{m.Tps / direct:P1} of direct ({m.Tps:0} vs {direct:0} iterations/s), p99 {m.P99Ms:0.0} ms"),
                    Verdict(m.Tps >= 0.5 * direct && m.P99Ms <= 50)));
            }
        }

        var oversells = c.Rows.Sum(r => r.Oversells ?? 0);
        var issues = c.Rows.Sum(r => r.AuditIssues ?? 0);
        results.Add(new("Oversells 0 and check_for_double_bookings() empty after every workload",
            $"{oversells} oversold nights, {issues} audit rows", Verdict(oversells == 0 && issues == 0)));
        return results;
    }

    private static string Verdict(bool pass) => pass ? "PASS" : "MISS";
}
