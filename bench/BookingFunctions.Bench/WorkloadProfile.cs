namespace BookingFunctions.Bench;

/// <summary>Where a workload spent its server time: wait-event samples and top statements.</summary>
public sealed record WorkloadProfile(
    string Id,
    string Label,
    long Samples,
    IReadOnlyList<(string App, string Wait, long Count)> Waits,
    IReadOnlyDictionary<string, long> Ungranted,
    IReadOnlyList<StatementStat> Statements,
    WalUsage Wal,
    string MachineLoad);

/// <summary>pg_stat_wal difference over one measured window (cluster-wide; only the workload writes then).</summary>
public sealed record WalUsage(long Records, long FullPageImages, long Bytes)
{
    // Bytes from the WAL insert position (exact); records and full-page images from pg_stat_wal, which
    // backends flush at most once a second, so the last second of a window may be missing from those two.
    public const string Query =
        "select wal_records as Records, wal_fpi as FullPageImages, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint as Bytes from pg_stat_wal";

    public WalUsage Minus(WalUsage before) => new(Records - before.Records, FullPageImages - before.FullPageImages, Bytes - before.Bytes);
}
