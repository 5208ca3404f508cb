namespace BookingFunctions.Bench;

/// <summary>Durations and sizes of one run. --quick keeps the same workloads, shorter and smaller, for CI.</summary>
public sealed record BenchOptions(
    bool Quick,
    TimeSpan Warmup,
    TimeSpan Duration,
    int Clients,
    int HttpClients,
    int ReaderClients,
    int PortfolioSize,
    int SellOutCapacity,
    int[] HistorySizes,
    long MaxRequestsPerWorkload,
    string ResultsDirectory,
    string? ConnectionString)
{
    /// <summary>
    /// --experiment NAME: bench/sql/experiments/NAME.sql is applied to the template after the migrations,
    /// to measure a proposed change of the product's SQL without touching sql/migrations.
    /// </summary>
    public string? Experiment { get; init; }

    /// <summary>
    /// --max-pool N: caps every workload's pool (and W6's host pool) at N server connections; clients beyond
    /// it queue in Npgsql's pool instead of as runnable backends on the server. Default: one connection per client.
    /// </summary>
    public int? MaxPool { get; init; }

    /// <summary>
    /// --only W5,W6: runs just these workloads (by the id prefix of their rows; C = ceilings, O = original
    /// design), to iterate on one finding. Targets that need a missing row are left out of that report.
    /// </summary>
    public IReadOnlySet<string>? Only { get; init; }

    /// <summary>--concurrent-batches N: BookingOptions.ConcurrentBatches for every booking path (default: the app's).</summary>
    public int? ConcurrentBatches { get; init; }

    /// <summary>--max-batch N: BookingOptions.MaxBatchSize for every booking path (default: the app's; 1 = no batching).</summary>
    public int? MaxBatchSize { get; init; }

    public bool Runs(string workload) => Only is null || Only.Contains(workload);

    public const string ConnectionStringVariable = "BOOKING_BENCH_CONNECTION_STRING";

    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick", StringComparer.Ordinal);
        var results = ValueAfter(args, "--results") ?? Path.Combine(RepoRoot(), "bench", "results");
        var connection = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        var experiment = ValueAfter(args, "--experiment");
        var options = quick
            ? new BenchOptions(
                Quick: true,
                Warmup: TimeSpan.FromSeconds(1),
                Duration: TimeSpan.FromSeconds(6),
                Clients: 32,
                HttpClients: 64,
                ReaderClients: 4,
                PortfolioSize: 1000,
                SellOutCapacity: 100,
                // --quick: 0 / 20k / 200k existing bookings instead of 0 / 100k / 1M (load time)
                HistorySizes: [0, 20_000, 200_000],
                MaxRequestsPerWorkload: 500_000,
                ResultsDirectory: results,
                ConnectionString: string.IsNullOrWhiteSpace(connection) ? null : connection)
            : new BenchOptions(
                Quick: false,
                Warmup: TimeSpan.FromSeconds(3),
                Duration: TimeSpan.FromSeconds(30),
                Clients: 32,
                HttpClients: 64,
                ReaderClients: 4,
                PortfolioSize: 1000,
                SellOutCapacity: 500,
                HistorySizes: [0, 100_000, 1_000_000],
                MaxRequestsPerWorkload: 5_000_000,
                ResultsDirectory: results,
                ConnectionString: string.IsNullOrWhiteSpace(connection) ? null : connection);
        var maxPool = ValueAfter(args, "--max-pool") is { } m ? int.Parse(m, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        var only = ValueAfter(args, "--only") is { } o
            ? o.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : null;
        var batches = ValueAfter(args, "--concurrent-batches") is { } b ? int.Parse(b, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        var maxBatch = ValueAfter(args, "--max-batch") is { } mb ? int.Parse(mb, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        return options with { Experiment = experiment, MaxPool = maxPool, Only = only, ConcurrentBatches = batches, MaxBatchSize = maxBatch };
    }

    private static string? ValueAfter(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The folder holding BookingFunctions.sln, found upwards from the working directory.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BookingFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
