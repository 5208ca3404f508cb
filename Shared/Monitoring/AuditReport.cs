namespace BookingFunctions.Monitoring;

/// <summary>What one monitor run did: holds released, and every invariant violation found.</summary>
public sealed record AuditReport(int ExpiredHolds, IReadOnlyList<AuditFinding> Findings)
{
    public bool IsClean => Findings.Count == 0;
}
