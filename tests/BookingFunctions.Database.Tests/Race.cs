using Npgsql;

namespace BookingFunctions.Database.Tests;

/// <summary>What one racing caller got: a value, or the SQLSTATE it was refused with.</summary>
internal sealed record Outcome<T>(T? Value, string? SqlState) where T : struct;

internal static class Race
{
    /// <summary>
    /// Starts <paramref name="callers"/> calls at the same instant, each on its own physical connection:
    /// the pool is first filled with that many open connections so nobody waits for a connect.
    /// </summary>
    public static async Task<Outcome<T>[]> RunAsync<T>(NpgsqlDataSource db, int callers, Func<int, Task<T>> call, CancellationToken ct)
        where T : struct
    {
        var warm = await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => db.OpenConnectionAsync(ct).AsTask()));
        foreach (var connection in warm)
        {
            await connection.DisposeAsync();
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, callers).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            try
            {
                return new Outcome<T>(await call(i), null);
            }
            catch (PostgresException e)
            {
                return new Outcome<T>(null, e.SqlState);
            }
        }, ct)).ToArray();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }

    /// <summary>
    /// Calls again while the answer is 55P03 — a lock held past the function's lock_timeout, the documented "busy,
    /// retry" answer, after which nothing was written — as a client honouring Retry-After does. With hundreds of callers
    /// queued on one night a slow, loaded machine can make the last ones wait that long; what a race test bounds is who
    /// wins and what is written, not how fast the machine is.
    /// </summary>
    public static async Task<T> RetryingBusyAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (PostgresException e) when (e.SqlState == SqlState.LockTimeout && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), ct);
            }
        }
    }
}
