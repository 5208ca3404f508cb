namespace BookingFunctions.Bench;

/// <summary>What a W7 phase saw besides its measurement: the targets of issue 14 are judged on these.</summary>
/// <param name="ServerConnections">Most server connections the app's login held at once.</param>
/// <param name="SlowAnswers">Answers (of any kind) slower than the hang bound.</param>
/// <param name="SlowestFailureMs">The slowest non-success answer.</param>
/// <param name="HostLoggedErrors">Error lines the host processes logged (an unhandled exception, i.e. a 500, logs one).</param>
/// <param name="Failures">Non-success answers by kind.</param>
public sealed record ScaleOutResult(long ServerConnections, long SlowAnswers, long SlowestFailureMs, long HostLoggedErrors,
    IReadOnlyDictionary<string, long> Failures);

/// <summary>What a W8 phase saw besides its measurements.</summary>
/// <param name="ReadsFromStandby">Whether the readers' connections were in recovery (pg_is_in_recovery()).</param>
/// <param name="MaxReplayLagMs">The largest replay_lag pg_stat_replication reported during the window (standby phase only).</param>
/// <param name="MaxBytesBehind">The most WAL the standby had not replayed yet at a sample.</param>
public sealed record ReplicaResult(bool ReadsFromStandby, double? MaxReplayLagMs, long? MaxBytesBehind);
