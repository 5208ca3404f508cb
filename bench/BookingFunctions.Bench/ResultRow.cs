namespace BookingFunctions.Bench;

/// <summary>Which ceiling a row is compared with.</summary>
public enum Ceiling
{
    None,
    RandomRow,
    HotRow,
}

/// <summary>One line of the results table.</summary>
/// <param name="Id">Short key (C1, O1, W1 ...) the targets refer to.</param>
/// <param name="AuditIssues">Rows of check_for_double_bookings() after the workload (null: not applicable).</param>
/// <param name="Oversells">Oversold nights among them; must be 0.</param>
/// <param name="NotRun">Why the workload did not run; the row then carries no numbers.</param>
public sealed record ResultRow(
    string Id,
    string Label,
    Ceiling Ceiling,
    Measurement? Measurement,
    long? AuditIssues,
    long? Oversells,
    string Note,
    string? NotRun = null);
