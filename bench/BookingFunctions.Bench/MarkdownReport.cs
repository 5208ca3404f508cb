using System.Globalization;
using System.Text;

namespace BookingFunctions.Bench;

/// <summary>Writes bench/results/latest.md: table, targets, findings, and each workload's profile.</summary>
public static class MarkdownReport
{
    public static string Write(BenchContext c, IReadOnlyList<TargetResult> targets, string path, string chartFile, TimeSpan runTime)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# BookingFunctions bench{(c.Options.Quick ? " (--quick)" : "")}{(c.Options.Experiment is { } x ? $" — EXPERIMENT {x}" : "")}");
        if (c.Options.Experiment is { } experiment)
        {
            md.AppendLine();
            md.AppendLine(inv, $"**Bench-only experiment:** `bench/sql/experiments/{experiment}.sql` was applied on top of sql/migrations. These are not the product's numbers.");
        }
        md.AppendLine();
        md.AppendLine(inv, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {runTime.TotalMinutes:0.0} min. Server: PostgreSQL {c.Server.ServerVersion}, {c.Server.Source}; " +
                           $"{Environment.ProcessorCount} cores shared by server and clients.");
        md.AppendLine(inv, $"Settings (same for every workload): {string.Join(", ", BenchServer.Settings.Select(s => $"`{s.Key}={s.Value}`"))}.");
        md.AppendLine("Client path: Npgsql, one pooled NpgsqlDataSource per workload database, auto-prepared one-statement calls, closed loop; " +
                      string.Create(inv, $"{c.Options.Warmup.TotalSeconds:0} s warm-up then {c.Options.Duration.TotalSeconds:0} s measured (W4: one client, " +
                           $"{(c.Options.Quick ? 3 : 10)} s per point). ") + "Each workload runs in a fresh database copied from one migrated template. " +
                           (c.Options.MaxPool is { } pool ? string.Create(inv, $"Pools capped at {pool} server connections (--max-pool). ") : "") + "TPS counts successful calls; latencies are of successful calls. Bookings are pending holds with a 15-minute TTL, " +
                           "each with its own guest and idempotency key.");
        if (c.Options.Quick)
        {
            md.AppendLine();
            md.AppendLine(inv, $"--quick: shorter windows, and W4 history sizes {string.Join(" / ", c.Options.HistorySizes.Select(Workloads.HistoryGrowthWorkload.Size))} instead of 0 / 100k / 1M.");
        }

        md.AppendLine();
        md.AppendLine(inv, $"![throughput and latency]({chartFile})");
        md.AppendLine();
        md.AppendLine("## Results");
        md.AppendLine();
        Table(md, ReportTable.Header, ReportTable.Rows(c));
        md.AppendLine();
        md.AppendLine("Ratios: TPS ÷ ceiling compares with C1 (random row) or C2 (hot row, for W2); ÷ original compares with O1.");
        md.AppendLine();
        md.AppendLine("## Targets (issues 5 and 14)");
        md.AppendLine();
        Table(md, ["Target", "Measured", "Verdict"], targets.Select(t => new[] { t.Target, t.Measured, $"**{t.Verdict}**" }));
        md.AppendLine();
        if (c.Findings.Count > 0)
        {
            md.AppendLine("## Checks");
            md.AppendLine();
            foreach (var f in c.Findings)
            {
                md.AppendLine(inv, $"- {f}");
            }

            md.AppendLine();
        }

        md.AppendLine("## Profiles");
        md.AppendLine();
        md.AppendLine("Wait samples: active client backends every 10 ms (pg_stat_activity; `CPU:running` = on CPU or runnable). " +
                      "Statements: pg_stat_statements (track = all) for the workload's database, top by total time.");
        foreach (var p in c.Profiles)
        {
            md.AppendLine();
            md.AppendLine(inv, $"### {p.Id} — {p.Label}");
            md.AppendLine();
            var total = p.Waits.Sum(w => w.Count);
            md.AppendLine(string.Create(inv, $"{p.Samples:N0} samples; waits: ") + (total == 0 ? "none" : string.Join(", ",
                p.Waits.Take(8).Select(w => string.Create(inv, $"{w.App} {w.Wait} {100.0 * w.Count / total:0.0}%")))));
            // W5's window holds both its rows: count writers and readers
            var calls = c.Rows.Where(r => r.Id == p.Id || (p.Id == "W5" && r.Id.StartsWith("W5", StringComparison.Ordinal)))
                .Sum(r => r.Measurement is { } pm ? pm.Ok + pm.Errors.Values.Sum() : 0);
            md.AppendLine();
            md.AppendLine(string.Create(inv, $"Machine: {p.MachineLoad}. WAL in the window: {p.Wal.Bytes / 1048576.0:0.0} MiB, {p.Wal.FullPageImages:N0} full-page images") +
                          (calls > 0 ? string.Create(inv, $"; per call {p.Wal.Bytes / (double)calls / 1024:0.0} KiB, {p.Wal.FullPageImages / (double)calls:0.00} FPI") : "") + ".");
            if (p.Statements.Count > 0)
            {
                md.AppendLine();
                Table(md, ["calls", "total ms", "mean ms", "blks hit", "blks read", "statement"],
                    p.Statements.Select(s => new[]
                    {
                        s.Calls.ToString(inv), s.TotalMs.ToString("0", inv), s.MeanMs.ToString("0.000", inv),
                        s.BlocksHit.ToString(inv), s.BlocksRead.ToString(inv), "`" + s.Query.Replace("|", "\\|", StringComparison.Ordinal) + "`",
                    }));
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, md.ToString());
        return path;
    }

    private static void Table(StringBuilder md, string[] header, IEnumerable<string[]> rows)
    {
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", header.Length)));
        foreach (var row in rows)
        {
            md.AppendLine("| " + string.Join(" | ", row.Select(cell => cell.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }
    }
}
