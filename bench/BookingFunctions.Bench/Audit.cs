using Dapper;

namespace BookingFunctions.Bench;

/// <summary>check_for_double_bookings() after a workload: every row is a defect; oversold nights must be 0.</summary>
public sealed record AuditResult(long Issues, long Oversells, string Summary)
{
    public static async Task<AuditResult> RunAsync(BenchDatabase database, CancellationToken ct)
    {
        await using var connection = await database.Admin.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<(string Issue, long N)>(new CommandDefinition(
            "select issue, count(*) from public.check_for_double_bookings() group by issue",
            commandTimeout: 900, cancellationToken: ct))).ToList();
        var oversells = rows.Where(r => r.Issue == "oversold_night").Sum(r => r.N);
        var summary = rows.Count == 0 ? "clean" : string.Join(", ", rows.Select(r => $"{r.Issue}={r.N}"));
        return new AuditResult(rows.Sum(r => r.N), oversells, summary);
    }
}
