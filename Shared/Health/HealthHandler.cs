using System.Globalization;
using BookingFunctions.Errors;
using BookingFunctions.Http;
using BookingFunctions.Monitoring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Health;

/// <summary>
/// GET /api/health: 200 with a <see cref="HealthReport"/> while the instance can serve (healthy, or degraded when its
/// last audit found something: pulling every instance out of rotation would not fix data), 503 problem+json with the
/// same report while the database is unreachable or its schema is behind this build. Cheap: the database answer is
/// cached for <see cref="DatabaseProbe.CacheFor"/>; the audit part is memory only.
/// </summary>
public sealed class HealthHandler(DatabaseProbe probe, AuditStatus audit, TimeProvider time, IOptions<BookingOptions> options)
{
    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var database = await probe.CheckAsync().WaitAsync(ct);
        var now = time.GetUtcNow();
        var auditHealth = AuditHealth.From(audit.Last, now);
        var status = !database.IsHealthy ? HealthReport.Unhealthy
            : auditHealth.Result is AuditRun.FoundViolations or AuditRun.RunFailed ? HealthReport.Degraded
            : HealthReport.Healthy;
        var report = new HealthReport(status, now, database, auditHealth);
        if (status != HealthReport.Unhealthy)
        {
            return new HeaderResult(TypedResults.Ok(report), ("Cache-Control", "no-store"));
        }

        return new HeaderResult(
            TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Unhealthy",
                Type = ProblemTypes.Unhealthy,
                Detail = database.Reachable
                    ? $"The database schema is at {database.SchemaVersion ?? "(none)"}; this build expects {database.ExpectedSchemaVersion}. Apply the migrations."
                    : "The database is unreachable.",
                Extensions =
                {
                    // "status" is the HTTP status in a problem document: the verdict goes under its own name
                    ["health"] = report.Status,
                    ["checkedAt"] = report.CheckedAt,
                    ["database"] = report.Database,
                    ["audit"] = report.Audit,
                },
            }),
            ("Retry-After", options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture)),
            ("Cache-Control", "no-store"));
    }
}
