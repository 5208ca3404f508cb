using System.Globalization;

namespace BookingFunctions.Bench;

/// <summary>The results table as cells, shared by the console and the markdown writers.</summary>
public static class ReportTable
{
    public static readonly string[] Header =
    [
        "Id", "Workload", "Clients", "TPS", "p50 ms", "p95 ms", "p99 ms", "Errors by kind", "Oversells / audit rows",
        "TPS ÷ ceiling", "TPS ÷ original", "p99 ÷ ceiling", "p99 ÷ original", "Note",
    ];

    public static IEnumerable<string[]> Rows(BenchContext c)
    {
        var byId = c.Rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var original = byId.GetValueOrDefault("O1")?.Measurement;
        foreach (var row in c.Rows)
        {
            if (row.Measurement is not { } m)
            {
                yield return [row.Id, row.Label, "", "", "", "", "", "", "", "", "", "", "", row.NotRun ?? row.Note];
                continue;
            }

            var ceiling = row.Ceiling switch
            {
                Ceiling.RandomRow => byId.GetValueOrDefault("C1")?.Measurement,
                Ceiling.HotRow => byId.GetValueOrDefault("C2")?.Measurement,
                _ => null,
            };
            var writes = row.Ceiling != Ceiling.None && !row.Id.StartsWith('C');
            yield return
            [
                row.Id,
                row.Label,
                m.Clients.ToString(CultureInfo.InvariantCulture),
                F(m.Tps, "0"),
                F(m.P50Ms, "0.000"),
                F(m.P95Ms, "0.000"),
                F(m.P99Ms, "0.000"),
                m.Errors.Count == 0 ? "0" : string.Join(" ", m.Errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}:{e.Value}")),
                row.Oversells is null && row.AuditIssues is null ? "n/a" : $"{row.Oversells ?? 0} / {(row.AuditIssues?.ToString(CultureInfo.InvariantCulture) ?? "n/a")}",
                ceiling is null || row.Id.StartsWith('C') ? "" : Ratio(m.Tps, ceiling.Tps),
                writes && original is not null && row.Id != "O1" ? Ratio(m.Tps, original.Tps) : "",
                ceiling is null || row.Id.StartsWith('C') ? "" : Ratio(m.P99Ms, ceiling.P99Ms),
                writes && original is not null && row.Id != "O1" ? Ratio(m.P99Ms, original.P99Ms) : "",
                row.Note,
            ];
        }
    }

    private static string F(double value, string format) =>
        double.IsNaN(value) ? "–" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Ratio(double value, double reference) =>
        reference > 0 && !double.IsNaN(value) ? (value / reference).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "";
}
