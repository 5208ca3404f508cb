using System.Globalization;
using BookingFunctions.Database;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Monitoring;

/// <summary>
/// The periodic audit behind both hosts' timers: first releases stale holds (so they stop counting), then
/// recomputes the invariants from the bookings table. One structured Error per violation, so each can alert
/// and be searched on its own; one Information line when clean, so silence never means "did not run".
/// </summary>
public sealed class DoubleBookingMonitor(NpgsqlDataSource dataSource, IOptions<MonitorOptions> options, ILogger<DoubleBookingMonitor> logger)
{
    private static readonly string ExpireSql = EmbeddedSql.Read("sql/queries/expire_stale_holds.sql");
    private static readonly string AuditSql = EmbeddedSql.Read("sql/queries/check_for_double_bookings.sql");

    public async Task<AuditReport> RunAsync(CancellationToken ct)
    {
        var expired = await ExpireStaleHoldsAsync(ct);
        var findings = await FindingsAsync(ct);

        foreach (var f in findings)
        {
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

    /// <summary>
    /// check_for_double_bookings() alone: what the audit finds right now, logged by nobody (GET /api/audit shows it to
    /// staff). Expires no hold, so reading it changes nothing.
    /// </summary>
    public async Task<List<AuditFinding>> FindingsAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<AuditFinding>(new CommandDefinition(AuditSql, cancellationToken: ct))).ToList();
    }

    private async Task<int> ExpireStaleHoldsAsync(CancellationToken ct)
    {
        var limit = options.Value.ExpireBatchSize;
        var total = 0;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        for (var batch = 0; batch < options.Value.MaxExpireBatches; batch++)
        {
            var expired = await connection.ExecuteScalarAsync<int>(new CommandDefinition(ExpireSql, new { Limit = limit }, cancellationToken: ct));
            total += expired;
            if (expired < limit)
            {
                break;
            }
        }

        return total;
    }
}
