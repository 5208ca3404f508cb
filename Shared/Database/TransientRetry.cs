using Npgsql;

namespace BookingFunctions.Database;

/// <summary>
/// Retries a database call that failed with a serialization failure (40001) or a deadlock (40P01): the server
/// rolled the whole statement back, so running it again is safe. Npgsql's IsTransient does not cover 40P01,
/// and covers 55P03, which we deliberately do not retry here: a lock timeout already waited 2 s, so the client
/// gets 503 + Retry-After instead of a request that hangs.
/// </summary>
internal static class TransientRetry
{
    public static async Task<T> RunAsync<T>(int attempts, TimeProvider time, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(ct);
            }
            catch (PostgresException e) when (e.SqlState is "40001" or "40P01" && attempt < attempts)
            {
                // Full jitter: concurrent losers spread out instead of colliding again in lockstep.
                var delay = TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50 * (1 << attempt)));
                await Task.Delay(delay, time, ct);
            }
        }
    }

    /// <summary>One call on a connection of its own from <paramref name="dataSource"/>, retried as <see cref="RunAsync{T}"/>.</summary>
    public static Task<T> OnConnectionAsync<T>(NpgsqlDataSource dataSource, int attempts, TimeProvider time,
        Func<NpgsqlConnection, CancellationToken, Task<T>> call, CancellationToken ct) =>
        RunAsync(attempts, time, async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token);
            return await call(connection, token);
        }, ct);
}
