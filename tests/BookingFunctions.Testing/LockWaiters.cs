using Dapper;

namespace BookingFunctions.Testing;

/// <summary>Finds an app-role backend of a test database that waits for a lock: how a test knows its call is held up.</summary>
public static class LockWaiters
{
    /// <summary>
    /// The pid of an app-role statement (mentioning <paramref name="function"/>, if given) once it waits for a lock. A
    /// bound of 60 s, not a timing: a slow machine only makes it take longer. Tests that hold the lock meanwhile raise
    /// the functions' lock_timeout (<see cref="LongLockWaits"/>), so the waiter does not give up first.
    /// </summary>
    public static async Task<int> FirstAsync(TestDatabase db, string? function, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await using var connection = await db.Admin.OpenConnectionAsync(deadline.Token);
        while (true)
        {
            var pid = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
                """
                select pid from pg_stat_activity
                 where datname = current_database() and usename = @login and wait_event_type = 'Lock'
                   and (@function::text is null or query like '%' || @function || '%')
                 limit 1
                """, new { login = TestDatabaseServer.AppLogin, function }, cancellationToken: deadline.Token));
            if (pid is { } found)
            {
                return found;
            }

            await Task.Delay(5, deadline.Token);
        }
    }
}
