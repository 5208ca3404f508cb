using System.Collections.Concurrent;
using Dapper;
using Npgsql;

namespace BookingFunctions.Bench;

/// <summary>
/// Samples what the bench's backends are doing every few milliseconds while a workload runs
/// (pg_stat_activity wait events, and ungranted pg_locks entries): the wait profile of each workload,
/// and W5's proof that readers never wait on a lock.
/// </summary>
public sealed class WaitSampler : IAsyncDisposable
{
    private const string Sample = """
        select a.application_name as App,
               coalesce(a.wait_event_type, 'CPU') as Type,
               coalesce(a.wait_event, 'running') as Event,
               count(*)::bigint as N,
               count(*) filter (where exists (select 1 from pg_locks l where l.pid = a.pid and not l.granted))::bigint as Ungranted
          from pg_stat_activity a
         where a.backend_type = 'client backend'
           and a.state = 'active'
           and a.pid <> pg_backend_pid()
           and a.application_name not in ('bench-admin', 'bench-sampler')
         group by 1, 2, 3
        """;

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly ConcurrentDictionary<(string App, string Wait), long> _waits = new();
    private readonly ConcurrentDictionary<string, long> _ungranted = new(StringComparer.Ordinal);
    private long _samples;

    private WaitSampler(string connectionString, TimeSpan interval)
    {
        _loop = Task.Run(() => LoopAsync(connectionString, interval));
    }

    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Active-backend samples by application and wait (type:event; CPU:running = on CPU or runnable).</summary>
    public IReadOnlyDictionary<(string App, string Wait), long> Waits => _waits;

    /// <summary>Backend samples holding an ungranted lock request, by application.</summary>
    public IReadOnlyDictionary<string, long> Ungranted => _ungranted;

    public static WaitSampler Start(BenchDatabase database, TimeSpan interval) =>
        new(new NpgsqlConnectionStringBuilder(database.Server.AdminConnectionString)
        {
            Database = database.Name,
            ApplicationName = "bench-sampler",
            Pooling = false,
        }.ConnectionString, interval);

    public long LockWaits(string app) =>
        _waits.Where(w => w.Key.App == app && w.Key.Wait.StartsWith("Lock:", StringComparison.Ordinal)).Sum(w => w.Value);

    public long ActiveSamples(string app) => _waits.Where(w => w.Key.App == app).Sum(w => w.Value);

    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task LoopAsync(string connectionString, TimeSpan interval)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        while (!_stop.IsCancellationRequested)
        {
            var rows = await connection.QueryAsync<(string App, string Type, string Event, long N, long Ungranted)>(Sample);
            Interlocked.Increment(ref _samples);
            foreach (var r in rows)
            {
                _waits.AddOrUpdate((r.App, $"{r.Type}:{r.Event}"), r.N, (_, n) => n + r.N);
                if (r.Ungranted > 0)
                {
                    _ungranted.AddOrUpdate(r.App, r.Ungranted, (_, n) => n + r.Ungranted);
                }
            }

            try
            {
                await Task.Delay(interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
