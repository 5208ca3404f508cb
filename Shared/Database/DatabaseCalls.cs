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

    /// <param name="function">The SQL function the call runs (a <see cref="DatabaseFunctions"/> name): span name and metric tag.</param>
    public async Task<T> RunAsync<T>(string function, Func<NpgsqlConnection, CancellationToken, Task<T>> call, CancellationToken ct)
    {
        using var activity = BookingTelemetry.ActivitySource.StartActivity(function, ActivityKind.Client);
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
}
