using System.Runtime.Versioning;
using BookingFunctions.Bookings;
using BookingFunctions.Database;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Bench;

/// <summary>
/// One workload's database and its single pooled data source: every client of every workload goes
/// through the same path (Npgsql, auto-prepared one-statement calls, no reset on close).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class BenchDatabase : IAsyncDisposable
{
    internal BenchDatabase(BenchServer server, string name, int poolSize)
    {
        Name = name;
        Server = server;
        ConnectionString = ClientConnectionString(server.AdminConnectionString, name, poolSize, "bench");
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        Admin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server.AdminConnectionString)
        {
            Database = name,
            ApplicationName = "bench-admin",
            CommandTimeout = 900,
        }.ConnectionString);
    }

    public string Name { get; }

    public BenchServer Server { get; }

    public string ConnectionString { get; }

    /// <summary>The clients' data source.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// The HTTP host's booking path over the clients' data source: BookingBatcher with the run's booking
    /// options (created on first use), so concurrent bookers share create_bookings calls as they do in the app.
    /// </summary>
    public BookingBatcher Batcher => _batcher ??= new BookingBatcher(Calls, Options.Create(Server.BookingOptions),
        NullLogger<BookingBatcher>.Instance);

    private BookingBatcher? _batcher;

    /// <summary>The HTTP host's availability path over the clients' data source (AvailabilityBatcher, created on first use).</summary>
    public AvailabilityBatcher Availability => _availability ??= new AvailabilityBatcher(Calls, Options.Create(Server.BookingOptions));

    private AvailabilityBatcher? _availability;

    /// <summary>The app's database call path (retries, span, duration) over the clients' data source.</summary>
    private DatabaseCalls Calls => _calls ??= new DatabaseCalls(DataSource, Options.Create(Server.BookingOptions), TimeProvider.System,
        new DatabaseOutageLog(Options.Create(new DatabaseOptions()), TimeProvider.System, NullLogger<DatabaseOutageLog>.Instance));

    private DatabaseCalls? _calls;

    /// <summary>"mean batch 14.2 requests" for the note of a row measured through <see cref="Batcher"/>.</summary>
    public string BatchSummary => _batcher is { BatchesSent: > 0 } b
        ? $"BookingBatcher, mean batch {(double)b.RequestsSent / b.BatchesSent:0.0} requests"
        : "BookingBatcher, no batch sent";

    /// <summary>Setup, audit and profiling; never part of a measurement.</summary>
    public NpgsqlDataSource Admin { get; }

    public static string ClientConnectionString(string admin, string database, int poolSize, string applicationName) =>
        new NpgsqlConnectionStringBuilder(admin)
        {
            Database = database,
            ApplicationName = applicationName,
            MinPoolSize = 0,
            MaxPoolSize = poolSize,
            MaxAutoPrepare = 32,
            AutoPrepareMinUsages = 2,
            NoResetOnClose = true,
            // bounds a stuck call; the functions' own lock_timeout (2 s) fires long before
            CommandTimeout = 30,
            Timeout = 30,
        }.ConnectionString;

    public async Task<Guid> AddAccommodationAsync(string name, int? capacity, CancellationToken ct)
    {
        await using var connection = await Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
            BenchSql.InsertAccommodation, new { Name = name, Capacity = capacity }, cancellationToken: ct));
    }

    public async Task<T?> ScalarAsync<T>(string sql, object? args, CancellationToken ct)
    {
        await using var connection = await Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, args, commandTimeout: 900, commandType: System.Data.CommandType.Text, cancellationToken: ct));
    }

    public async Task ExecuteAsync(string sql, object? args, CancellationToken ct)
    {
        await using var connection = await Admin.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, args, commandTimeout: 900, commandType: System.Data.CommandType.Text, cancellationToken: ct));
    }

    /// <summary>Flushes dirty pages and clears statement statistics so the next window starts alike.</summary>
    public async Task SettleAsync(CancellationToken ct)
    {
        await ExecuteAsync("checkpoint", null, ct);
        await ExecuteAsync("select pg_stat_statements_reset()", null, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_batcher is not null)
        {
            await _batcher.DisposeAsync();
        }
        if (_availability is not null)
        {
            await _availability.DisposeAsync();
        }
        await DataSource.DisposeAsync();
        await Admin.DisposeAsync();
    }
}
