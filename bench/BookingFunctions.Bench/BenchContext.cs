using System.Runtime.Versioning;

namespace BookingFunctions.Bench;

/// <summary>What every workload needs: options, the server, the progress display, and where results go.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class BenchContext(BenchOptions options, BenchServer server, BenchProgress progress)
{
    public BenchOptions Options { get; } = options;

    public BenchServer Server { get; } = server;

    public BenchProgress Progress { get; } = progress;

    public List<ResultRow> Rows { get; } = [];

    public List<WorkloadProfile> Profiles { get; } = [];

    /// <summary>Free-form findings printed under the table (sell-out check, lock-wait proof ...).</summary>
    public List<string> Findings { get; } = [];

    /// <summary>W5: samples in which a reader backend waited on, or queued for, a lock (must be 0).</summary>
    public long? ReaderLockWaits { get; set; }

    /// <summary>W7: per phase (W7d, W7, W7n, W7p1, W7s), what the targets need beyond the measurement.</summary>
    public Dictionary<string, ScaleOutResult> ScaleOut { get; } = new(StringComparer.Ordinal);

    /// <summary>W8: per phase (W8p, W8s), where the reads went and how far the standby lagged.</summary>
    public Dictionary<string, ReplicaResult> Replica { get; } = new(StringComparer.Ordinal);

    /// <summary>The key a workload files its extra results under: "+x" for the experiment variant, like its rows.</summary>
    public string ResultKey(string id) => Server.UseExperiment ? id + "+x" : id;

    /// <summary>Stays are booked from tomorrow on (UTC), inside the functions' bookable window.</summary>
    public static DateOnly Tomorrow => DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);

    public ClosedLoop Loop(int clients, TimeSpan? duration = null) => new()
    {
        Clients = clients,
        Warmup = Options.Warmup,
        Duration = duration ?? Options.Duration,
        MaxRequests = Options.MaxRequestsPerWorkload,
    };

    /// <summary>
    /// Runs one measured load: a checkpoint and a statistics reset first, the wait sampler alongside, the
    /// statement profile after. The caller adds the result row (it knows the audit and the labels).
    /// </summary>
    public Task<Measurement> MeasureAsync(
        BenchDatabase database, string id, string label, ClosedLoop loop, ClientCall call, CancellationToken ct) =>
        MeasureAsync(database, id, label, loop, () => loop.RunAsync(call, ct), ct);

    /// <summary>
    /// Runs one measured load: a checkpoint and a statistics reset first, the wait sampler alongside, the
    /// statement profile after. The caller adds the result row (it knows the audit and the labels).
    /// </summary>
    public async Task<T> MeasureAsync<T>(
        BenchDatabase database, string id, string label, ClosedLoop progressLoop, Func<Task<T>> run, CancellationToken ct,
        Action<WaitSampler>? inspect = null)
    {
        await database.SettleAsync(ct);
        var walBefore = await WalAsync(database, ct);
        var loadBefore = LoadAverage();
        var cpu = new CpuMeter();
        await using var sampler = WaitSampler.Start(database, TimeSpan.FromMilliseconds(10));
        T result;
        try
        {
            result = await Progress.LoadAsync(label, progressLoop, run);
        }
        finally
        {
            await sampler.StopAsync();
        }

        var cpuUse = cpu.Stop();
        var wal = (await WalAsync(database, ct)).Minus(walBefore);
        inspect?.Invoke(sampler);
        Profiles.Add(new WorkloadProfile(Server.UseExperiment ? id + "+x" : id, Server.UseExperiment ? label + " [EXPERIMENT]" : label, sampler.Samples,
            sampler.Waits.OrderByDescending(w => w.Value).Select(w => (w.Key.App, w.Key.Wait, w.Value)).ToList(),
            sampler.Ungranted.ToDictionary(StringComparer.Ordinal),
            await StatementProfile.TakeAsync(database, 6, ct), wal, $"load average {loadBefore} before, {LoadAverage()} after; {cpuUse}"));
        return result;
    }

    /// <summary>1-minute load average: this box has 2 cores, anything else running shows up here.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static async Task<WalUsage> WalAsync(BenchDatabase database, CancellationToken ct)
    {
        await using var connection = await database.Admin.OpenConnectionAsync(ct);
        return await Dapper.SqlMapper.QuerySingleAsync<WalUsage>(connection, new Dapper.CommandDefinition(WalUsage.Query, cancellationToken: ct));
    }

    public void Finding(string text) => Findings.Add(Server.UseExperiment ? $"[EXPERIMENT {Options.Experiment}] {text}" : text);

    /// <summary>Rows of the experiment variant get "+x" on their id and the experiment's name on their label.</summary>
    public void Add(ResultRow row) => Rows.Add(Server.UseExperiment
        ? row with { Id = row.Id + "+x", Label = $"{row.Label} [EXPERIMENT {Options.Experiment}]" }
        : row);
}
