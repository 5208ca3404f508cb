namespace BookingFunctions.Bench;

/// <summary>Where a workload spent its server time: wait-event samples and top statements.</summary>
public sealed record WorkloadProfile(
    string Id,
    string Label,
    long Samples,
    IReadOnlyList<(string App, string Wait, long Count)> Waits,
    IReadOnlyDictionary<string, long> Ungranted,
    IReadOnlyList<StatementStat> Statements);
