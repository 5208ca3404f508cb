using BookingFunctions.Database;
using Dapper;

namespace BookingFunctions.Health;

/// <summary>
/// Asks the database for its schema version (one tiny SECURITY DEFINER call) and compares it with the newest
/// migration compiled into this build. The answer is kept for <see cref="CacheFor"/> and concurrent probes
/// share one call, so a health endpoint polled every few seconds by several monitors costs one call per window.
/// </summary>
public sealed class DatabaseProbe(DatabaseCalls database, TimeProvider time)
{
    /// <summary>How long one answer is reused.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    /// <summary>A probe that has not answered by then reports the database unreachable rather than hang the probe.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static readonly string SchemaVersionSql = EmbeddedSql.Read("sql/queries/schema_version.sql");
    private static readonly Lazy<string> Expected = new(() => Migration.Embedded().Select(m => m.Version).Max(StringComparer.Ordinal)!);

    private readonly Lock _lock = new();
    private Task<DatabaseStatus>? _current;
    private long _startedAt;

    /// <summary>The newest migration version this build carries (sql/migrations).</summary>
    public static string ExpectedSchemaVersion => Expected.Value;

    public Task<DatabaseStatus> CheckAsync()
    {
        lock (_lock)
        {
            if (_current is null || (_current.IsCompleted && time.GetElapsedTime(_startedAt) >= CacheFor))
            {
                _startedAt = time.GetTimestamp();
                _current = ProbeAsync();
            }

            return _current;
        }
    }

    // Never throws: every failure is an answer ("unreachable"), and the caller's cancellation must not end a
    // probe other callers share, so it runs on its own timeout.
    private async Task<DatabaseStatus> ProbeAsync()
    {
        var started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(Timeout, time);
        try
        {
            var version = await database.RunAsync(DatabaseFunctions.SchemaVersion, (connection, token) =>
                connection.ExecuteScalarAsync<string?>(new CommandDefinition(SchemaVersionSql, cancellationToken: token)), timeout.Token);
            return DatabaseStatus.Answered(version, ExpectedSchemaVersion, time.GetElapsedTime(started));
        }
        catch (Exception e)
        {
            return DatabaseStatus.Unreachable(ExpectedSchemaVersion, timeout.IsCancellationRequested ? "TimedOut" : e.GetType().Name);
        }
    }
}
