using System.Globalization;
using BookingFunctions.Database;
using BookingFunctions.Telemetry;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Monitoring;

/// <summary>
/// The periodic audit behind both hosts' timers: first releases stale holds (so they stop counting), then
/// recomputes the invariants from the bookings table. One structured Error per violation, so each can alert
/// and be searched on its own; one Information line when clean, so silence never means "did not run". Each run is
/// counted (booking.audit.runs, booking.audit.findings by issue, booking.holds.expired) and kept in
/// <see cref="AuditStatus"/> for the health endpoint.
/// </summary>
public sealed class DoubleBookingMonitor(DatabaseCalls database, IOptions<MonitorOptions> options, AuditStatus status, TimeProvider time,
    ILogger<DoubleBookingMonitor> logger)
{
    private static readonly string ExpireSql = EmbeddedSql.Read("sql/queries/expire_stale_holds.sql");
    private static readonly string AuditSql = EmbeddedSql.Read("sql/queries/check_for_double_bookings.sql");

    public async Task<AuditReport> RunAsync(CancellationToken ct)
    {
        AuditReport report;
        try
        {
            report = await AuditAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            status.Failed(time.GetUtcNow(), e);
            BookingMetrics.AuditRun(AuditRun.RunFailed);
            throw;
        }

        status.Completed(time.GetUtcNow(), report);
        BookingMetrics.AuditRun(report.IsClean ? AuditRun.Clean : AuditRun.FoundViolations);
        return report;
    }

    private async Task<AuditReport> AuditAsync(CancellationToken ct)
    {
        var expired = await ExpireStaleHoldsAsync(ct);
        var findings = await FindingsAsync(ct);

        foreach (var f in findings)
        {
            BookingMetrics.AuditFinding(f.Issue);
            logger.LogError(
                "Booking invariant violated: {Issue} on accommodation {AccommodationId}, night {Night}, item {ItemId}, bookings {BookingIds}; booked {Booked}, capacity {Capacity}, recorded {Recorded}",
                f.Issue, f.AccommodationId, f.Night is { } night ? DateOnly.FromDateTime(night).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
                f.ItemId, f.BookingIds is null ? null : string.Join(',', f.BookingIds), f.Booked, f.Capacity, f.Recorded);
        }

        if (findings.Count == 0)
        {
            logger.LogInformation("Booking audit clean: no oversold night, shared room or counter drift; {ExpiredHolds} stale holds released", expired);
        }

        return new AuditReport(expired, findings);
    }

    /// <summary>The audit's findings from the monitor's horizon on (Booking:Monitor:AuditDaysBack), without expiring holds.</summary>
    public Task<List<AuditFinding>> FindingsAsync(CancellationToken ct) =>
        database.RunAsync(DatabaseFunctions.CheckForDoubleBookings, async (connection, token) =>
            (await connection.QueryAsync<AuditFinding>(new CommandDefinition(AuditSql, new { DaysBack = options.Value.AuditDaysBack },
                commandTimeout: 300, cancellationToken: token))).ToList(), ct);

    private async Task<int> ExpireStaleHoldsAsync(CancellationToken ct)
    {
        var limit = options.Value.ExpireBatchSize;
        var total = 0;
        for (var batch = 0; batch < options.Value.MaxExpireBatches; batch++)
        {
            var expired = await database.RunAsync(DatabaseFunctions.ExpireStaleHolds, (connection, token) =>
                connection.ExecuteScalarAsync<int>(new CommandDefinition(ExpireSql, new { Limit = limit }, cancellationToken: token)), ct);
            BookingMetrics.StaleHoldsExpired(expired);
            total += expired;
            if (expired < limit)
            {
                break;
            }
        }

        return total;
    }
}
