using System.Diagnostics;
using BookingFunctions.Errors;
using BookingFunctions.Telemetry;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Database;

/// <summary>
/// Every call of a database function the app makes: a connection from the app's one pool, serialization failures
/// and deadlocks retried (<see cref="TransientRetry"/>), a client span and a duration named for the SQL function,
/// and the outage log told whether the database answered. The span carries the function's name and
/// db.system only: never the SQL arguments (guest ids, keys, dates), so nothing personal reaches a trace.
/// </summary>
public sealed class DatabaseCalls(NpgsqlDataSource dataSource, IOptions<BookingOptions> options, TimeProvider time, DatabaseOutageLog outages)
{
    private readonly int _attempts = options.Value.TransientRetryAttempts;

    /// <summary>The pool these calls use: the primary, or (keyed <see cref="BookingDataSource.ReadsKey"/>) the read source.</summary>
    public NpgsqlDataSource DataSource => dataSource;

    /// <param name="function">The SQL function the call runs (a <see cref="DatabaseFunctions"/> name): span name and metric tag.</param>
    public Task<T> RunAsync<T>(string function, Func<NpgsqlConnection, CancellationToken, Task<T>> call, CancellationToken ct) =>
        RunAsync(function, call, callers: null, ct);

    /// <param name="callers">
    /// For a batcher's call, the trace contexts of the requests it carries: the span is the child of a lone caller,
    /// or a root span linked to each caller of a batch. Null: the ambient trace (the request or invocation running now).
    /// </param>
    public async Task<T> RunAsync<T>(string function, Func<NpgsqlConnection, CancellationToken, Task<T>> call,
        IReadOnlyList<ActivityContext>? callers, CancellationToken ct)
    {
        using var activity = Start(function, callers);
        activity?.SetTag("db.system", "postgresql");
        activity?.SetTag("db.system.name", "postgresql");
        activity?.SetTag("db.operation.name", function);
        var started = time.GetTimestamp();
        string? errorType = null;
        try
        {
            var result = await TransientRetry.OnConnectionAsync(dataSource, _attempts, time, call, ct);
            outages.Answered();
            return result;
        }
        catch (Exception e)
        {
            errorType = e is PostgresException p ? p.SqlState : e.GetType().Name;
            if (DatabaseErrorMapper.IsUnavailable(e))
            {
                // Idle pooled connections to a server that went away are dead too: drop them now, or each would fail
                // one more request after the server is back (and make the outage look like it flaps).
                dataSource.Clear();
                outages.Failed(e);
            }
            else if (e is PostgresException)
            {
                outages.Answered();
            }

            activity?.SetStatus(ActivityStatusCode.Error);
            activity?.SetTag("error.type", errorType);
            throw;
        }
        finally
        {
            BookingMetrics.DatabaseCall(function, time.GetElapsedTime(started), errorType);
        }
    }

    private static Activity? Start(string function, IReadOnlyList<ActivityContext>? callers)
    {
        if (callers is null)
        {
            return BookingTelemetry.ActivitySource.StartActivity(function, ActivityKind.Client);
        }

        if (callers is [var caller] && caller != default)
        {
            return BookingTelemetry.ActivitySource.StartActivity(function, ActivityKind.Client, caller);
        }

        // batchers' workers run with no ambient activity, so the default parent makes this a root span
        var links = callers.Where(c => c != default).Select(c => new ActivityLink(c)).ToList();
        return BookingTelemetry.ActivitySource.StartActivity(ActivityKind.Client, default, links: links, name: function);
    }
}
