namespace BookingFunctions.Bench;

/// <summary>Where a workload spent its server time: wait-event samples and top statements.</summary>
public sealed record WorkloadProfile(
    string Id,
    string Label,
    long Samples,
    IReadOnlyList<(string App, string Wait, long Count)> Waits,
    IReadOnlyDictionary<string, long> Ungranted,
    IReadOnlyList<StatementStat> Statements,
    WalUsage Wal);

/// <summary>pg_stat_wal difference over one measured window (cluster-wide; only the workload writes then).</summary>
public sealed record WalUsage(long Records, long FullPageImages, long Bytes)
{
    public const string Query = "select wal_records as Records, wal_fpi as FullPageImages, wal_bytes::bigint as Bytes from pg_stat_wal";

    public WalUsage Minus(WalUsage before) => new(Records - before.Records, FullPageImages - before.FullPageImages, Bytes - before.Bytes);
}
