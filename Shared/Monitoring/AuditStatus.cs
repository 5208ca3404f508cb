namespace BookingFunctions.Monitoring;

/// <summary>
/// The last audit run this instance made, for GET /api/health. In memory and per instance: in Azure the timer
/// runs on one instance at a time, so another instance may report "not run"; the durable record is the log and
/// the booking.audit.* metrics.
/// </summary>
public sealed class AuditStatus
{
    private volatile AuditRun? _last;

    public AuditRun? Last => _last;

    internal void Completed(DateTimeOffset at, AuditReport report) =>
        _last = new AuditRun(at, report.IsClean ? AuditRun.Clean : AuditRun.FoundViolations, report.Findings.Count, report.ExpiredHolds, null);

    internal void Failed(DateTimeOffset at, Exception exception) =>
        _last = new AuditRun(at, AuditRun.RunFailed, null, null, exception.GetType().Name);
}

/// <summary>One audit run: when it ended, and what it found (or the exception type that stopped it).</summary>
public sealed record AuditRun(DateTimeOffset At, string Result, int? Findings, int? ExpiredHolds, string? Error)
{
    public const string Clean = "clean";
    public const string FoundViolations = "findings";
    public const string RunFailed = "failed";
}
