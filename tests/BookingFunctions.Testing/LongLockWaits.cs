using Npgsql;

namespace BookingFunctions.Testing;

/// <summary>
/// For tests that hold a night row locked on purpose and take further steps while a booking call waits for it: in the
/// test's own database the booking functions wait up to a minute for a lock instead of their 2 s lock_timeout, so
/// those steps never race that timeout on a slow, busy machine. Disposing puts the 2 s back.
/// </summary>
public static class LongLockWaits
{
    private const string Usual = "2s";
    private const string Long = "60s";

    public static async Task<IAsyncDisposable> BeginAsync(TestDatabase db, CancellationToken ct)
    {
        await SetAsync(db, Usual, Long, ct);
        return new Restore(db);
    }

    private static async Task SetAsync(TestDatabase db, string from, string to, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""
            do $$
            declare
              f regprocedure;
            begin
              for f in select p.oid::regprocedure from pg_catalog.pg_proc p
                        where p.pronamespace = 'public'::regnamespace and 'lock_timeout={from}' = any (p.proconfig)
              loop
                execute pg_catalog.format('alter function %s set lock_timeout = %L', f, '{to}');
              end loop;
            end
            $$
            """, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed class Restore(TestDatabase db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await SetAsync(db, Long, Usual, CancellationToken.None);
    }
}
