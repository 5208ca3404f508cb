using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Database;

/// <summary>
/// Logs a database outage instead of its requests. Measured before: every failed request logged a warning with a
/// full stack, about 57,000 lines for 18 s of downtime, which buries the cause and costs ingestion. Now: the first
/// failure with its stack, then at most one summary line per <see cref="DatabaseOptions.OutageLogInterval"/> with
/// the count, and one line when the database answers again. Per instance (each keeps its own state).
/// </summary>
public sealed partial class DatabaseOutageLog(IOptions<DatabaseOptions> options, TimeProvider time, ILogger<DatabaseOutageLog> logger)
{
    private readonly Lock _lock = new();
    private readonly TimeSpan _interval = options.Value.OutageLogInterval;
    private volatile bool _down;
    private long _startedAt;
    private long _recoveredAt = long.MinValue;
    private long _windowStartedAt;
    private long _failures;
    private long _windowFailures;

    /// <summary>A call could not reach the database (connection refused or broken, server shutting down, timeouts).</summary>
    public void Failed(Exception exception)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (!_down)
            {
                _down = true;
                _startedAt = _windowStartedAt = now;
                _failures = 1;
                _windowFailures = 0;
                // the stack once; a relapse soon after it answered is the same outage, told in one line
                if (_recoveredAt != long.MinValue && time.GetElapsedTime(_recoveredAt, now) < _interval)
                {
                    LogRelapse(exception.GetType().Name, time.GetElapsedTime(_recoveredAt, now));
                }
                else
                {
                    LogOutageStarted(exception, exception.GetType().Name, _interval);
                }

                return;
            }

            _failures++;
            _windowFailures++;
            if (time.GetElapsedTime(_windowStartedAt, now) >= _interval)
            {
                LogStillDown(_windowFailures, time.GetElapsedTime(_windowStartedAt, now), time.GetElapsedTime(_startedAt, now));
                _windowStartedAt = now;
                _windowFailures = 0;
            }
        }
    }

    /// <summary>A call reached the database (an answer or a refusal such as BK001 both count). Cheap when all is well.</summary>
    public void Answered()
    {
        if (!_down)
        {
            return;
        }

        lock (_lock)
        {
            if (!_down)
            {
                return;
            }

            _down = false;
            _recoveredAt = time.GetTimestamp();
            LogRecovered(time.GetElapsedTime(_startedAt, _recoveredAt), _failures);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Database unavailable ({ExceptionType}); further failed calls are summarised every {Interval} until it answers again")]
    private partial void LogOutageStarted(Exception exception, string exceptionType, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Database unavailable again ({ExceptionType}), {SinceRecovery} after it answered")]
    private partial void LogRelapse(string exceptionType, TimeSpan sinceRecovery);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Database still unavailable: {Count} failed calls in the last {Window} (down for {Downtime})")]
    private partial void LogStillDown(long count, TimeSpan window, TimeSpan downtime);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Database answering again after {Downtime}; {Count} calls failed during the outage")]
    private partial void LogRecovered(TimeSpan downtime, long count);
}
