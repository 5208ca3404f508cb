using System.Runtime.Versioning;
using BookingFunctions.Database;
using BookingFunctions.LocalPostgres;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace BookingFunctions.Bench;

/// <summary>
/// The one PostgreSQL server of a run: a durable local cluster (fsync and synchronous_commit on) started
/// here, or the superuser connection string in BOOKING_BENCH_CONNECTION_STRING. Every workload gets a
/// fresh database copied from one migrated template, so no workload's rows slow down the next one.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class BenchServer : IAsyncDisposable
{
    private const string Template = "bench_template";

    // --experiment: the same migrations plus bench/sql/experiments/NAME.sql, used for the "+x" rows
    private const string ExperimentTemplate = "bench_template_x";

    // Same for every workload of a run. pg_stat_statements (track = all, so statements inside the
    // plpgsql functions show up) is how the report profiles each workload; the rest only keeps
    // checkpoints and autovacuum of the bulk loads out of the measured windows.
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["fsync"] = "on",
        ["synchronous_commit"] = "on",
        ["shared_buffers"] = "1GB",
        ["max_wal_size"] = "16GB",
        ["checkpoint_timeout"] = "30min",
        ["shared_preload_libraries"] = "pg_stat_statements",
        ["pg_stat_statements.track"] = "all",
        ["pg_stat_statements.max"] = "2000",
        ["track_io_timing"] = "on",
    };

    private readonly LocalPostgresCluster? _cluster;
    private readonly string? _dataDirectory;
    private readonly List<(LocalPostgresCluster Standby, string Data)> _standbys = [];
    private int _databases;

    private BenchServer(string adminConnectionString, string source, LocalPostgresCluster? cluster, string? dataDirectory)
    {
        AdminConnectionString = adminConnectionString;
        Source = source;
        _cluster = cluster;
        _dataDirectory = dataDirectory;
    }

    public string AdminConnectionString { get; }

    public string Source { get; }

    public string ServerVersion { get; private set; } = "";

    /// <summary>--max-pool: the most server connections any one client pool may open.</summary>
    public int? MaxPool { get; private set; }

    /// <summary>The booking options every booking path of this run uses (the app's defaults unless --concurrent-batches / --max-batch).</summary>
    public BookingFunctions.BookingOptions BookingOptions { get; private set; } = new();

    public int CapPool(int poolSize) => MaxPool is { } max ? Math.Min(poolSize, max) : poolSize;

    /// <summary>While true, new workload databases come from the experiment template.</summary>
    public bool UseExperiment { get; set; }

    /// <summary>The run's server: BOOKING_BENCH_CONNECTION_STRING, or a durable local cluster started here.</summary>
    public static Task<BenchServer> StartAsync(BenchOptions options, CancellationToken ct) =>
        options.ConnectionString is not null
            ? PrepareAsync(new BenchServer(options.ConnectionString, BenchOptions.ConnectionStringVariable, null, null), options, ct)
            : StartLocalAsync(options, MainMaxConnections, ct);

    /// <summary>max_connections of the run's main server: every workload opens one connection per client.</summary>
    public const int MainMaxConnections = 300;

    /// <summary>
    /// A second durable local cluster with the same settings for one workload that needs a server of its own:
    /// another max_connections (W7), or a standby it may copy without copying every other workload's data (W8).
    /// </summary>
    public static Task<BenchServer> StartDedicatedAsync(BenchOptions options, int maxConnections, CancellationToken ct) =>
        StartLocalAsync(options, maxConnections, ct);

    /// <summary>The local cluster, when this run started one (null with BOOKING_BENCH_CONNECTION_STRING).</summary>
    public LocalPostgresCluster? Cluster => _cluster;

    /// <summary>
    /// A hot standby of this server's local cluster (pg_basebackup -R, streaming on loopback), same settings.
    /// Stopped and deleted when this server is disposed.
    /// </summary>
    public async Task<LocalPostgresCluster> StartStandbyAsync(CancellationToken ct)
    {
        var primary = _cluster ?? throw new InvalidOperationException("A standby needs the bench's own local cluster.");
        var data = Path.Combine(Path.GetTempPath(), $"booking-bench-standby-{Guid.NewGuid():N}");
        var standby = await primary.StartStandbyAsync(data, ct);
        _standbys.Add((standby, data));
        return standby;
    }

    private static async Task<BenchServer> StartLocalAsync(BenchOptions options, int maxConnections, CancellationToken ct)
    {
        // /tmp: the PostgreSQL service user must be able to reach the data folder when we run as root
        var data = Path.Combine(Path.GetTempPath(), $"booking-bench-{Guid.NewGuid():N}");
        var cluster = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions(data, Durable: true, MaxConnections: maxConnections, Settings: Settings), ct);
        var server = new BenchServer(cluster.ConnectionString, $"local PostgreSQL cluster on 127.0.0.1:{cluster.Port}", cluster, data);
        return await PrepareAsync(server, options, ct);
    }

    private static async Task<BenchServer> PrepareAsync(BenchServer server, BenchOptions options, CancellationToken ct)
    {

        server.MaxPool = options.MaxPool;
        var defaults = new BookingFunctions.BookingOptions();
        server.BookingOptions = new BookingFunctions.BookingOptions
        {
            ConcurrentBatches = options.ConcurrentBatches ?? defaults.ConcurrentBatches,
            MaxBatchSize = options.MaxBatchSize ?? defaults.MaxBatchSize,
        };
        await server.PrepareTemplateAsync(options.Experiment, ct);
        return server;
    }

    /// <summary>A login role of the application's kind (member of booking_app: EXECUTE on the API functions only).</summary>
    public async Task<(string User, string Password)> CreateAppLoginAsync(string user, CancellationToken ct)
    {
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync(ct);
        // user is a constant chosen by the workload, never input
        await admin.ExecuteAsync(new CommandDefinition($"create role {user} login password '{password}' in role booking_app", cancellationToken: ct));
        return (user, password);
    }

    /// <summary>A fresh migrated database for one workload; clients go through one pooled data source.</summary>
    public async Task<BenchDatabase> CreateDatabaseAsync(string hint, int poolSize, CancellationToken ct)
    {
        var name = $"bench_{Interlocked.Increment(ref _databases):00}_{hint}{(UseExperiment ? "_x" : "")}".ToLowerInvariant();
        var template = UseExperiment ? ExperimentTemplate : Template;
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync(ct);
            await admin.ExecuteAsync(new CommandDefinition($"drop database if exists \"{name}\" with (force)", cancellationToken: ct));
            await admin.ExecuteAsync(new CommandDefinition($"create database \"{name}\" template \"{template}\"", cancellationToken: ct));
        }

        return new BenchDatabase(this, name, CapPool(poolSize));
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var (standby, data) in _standbys)
        {
            await standby.DisposeAsync();
            DeleteQuietly(data);
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
            DeleteQuietly(_dataDirectory!);
        }
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // a leftover folder under /tmp is harmless
        }
    }

    private async Task PrepareTemplateAsync(string? experiment, CancellationToken ct)
    {
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync(ct);
            ServerVersion = await admin.ExecuteScalarAsync<string>(new CommandDefinition("show server_version", cancellationToken: ct)) ?? "";
        }

        await BuildTemplateAsync(Template, null, ct);
        if (experiment is not null)
        {
            await BuildTemplateAsync(ExperimentTemplate, experiment, ct);
        }
    }

    private async Task BuildTemplateAsync(string template, string? experiment, CancellationToken ct)
    {
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync(ct);
            await admin.ExecuteAsync(new CommandDefinition($"drop database if exists \"{template}\" with (force)", cancellationToken: ct));
            await admin.ExecuteAsync(new CommandDefinition($"create database \"{template}\"", cancellationToken: ct));
        }

        var templateConnection = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = template, Pooling = false }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(templateConnection);
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // the profile snapshot reads pg_stat_statements; the extension fails softly when not preloaded
        await connection.ExecuteAsync(new CommandDefinition("create extension if not exists pg_stat_statements", cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(BenchSql.File("original_design.sql"), cancellationToken: ct));
        if (experiment is not null)
        {
            // comma-separated: several experiments applied in the order given
            foreach (var name in experiment.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                await connection.ExecuteAsync(new CommandDefinition(BenchSql.File(Path.Combine("experiments", name + ".sql")), cancellationToken: ct));
            }
        }
    }
}
