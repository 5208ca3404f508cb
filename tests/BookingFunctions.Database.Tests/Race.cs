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
}
