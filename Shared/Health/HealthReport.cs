using BookingFunctions.Monitoring;

namespace BookingFunctions.Health;

/// <summary>The body of GET /api/health: the answer to "should this instance get traffic?" and what it is based on.</summary>
public sealed record HealthReport(string Status, DateTimeOffset CheckedAt, DatabaseStatus Database, AuditHealth Audit)
{
    /// <summary>Database reachable, schema current (or ahead), last audit of this instance clean or not run yet.</summary>
    public const string Healthy = "healthy";

    /// <summary>Serving, but the last audit on this instance found violations or failed: look at the logs, do not pull the instance.</summary>
    public const string Degraded = "degraded";

    /// <summary>Database unreachable or schema behind: 503.</summary>
    public const string Unhealthy = "unhealthy";
}

/// <summary>The last audit run on this instance (in memory, per instance), or "not-run" since it started.</summary>
public sealed record AuditHealth(string Scope, string Result, DateTimeOffset? LastRunAt, double? AgeSeconds, int? Findings, int? ExpiredHolds, string? Error)
{
    public const string NotRun = "not-run";

    internal static AuditHealth From(AuditRun? run, DateTimeOffset now) => run is null
        ? new AuditHealth("instance", NotRun, null, null, null, null, null)
        : new AuditHealth("instance", run.Result, run.At, Math.Round((now - run.At).TotalSeconds, 1), run.Findings, run.ExpiredHolds, run.Error);
}
