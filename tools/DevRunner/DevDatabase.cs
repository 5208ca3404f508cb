using System.Net.Sockets;
using BookingFunctions.Database;
using BookingFunctions.LocalPostgres;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BookingFunctions.DevRunner;

/// <summary>
/// The database ./run uses: an embedded cluster under the data folder (reused across runs), or the server
/// named by BOOKING_DB_CONNECTION_STRING. Either way it is migrated and holds the demo property; the host
/// logs in as booking_api, a member of booking_app that may only execute the booking functions.
/// </summary>
internal sealed class DevDatabase : IAsyncDisposable
{
    public const string DatabaseName = "booking";
    private const string AppLogin = "booking_api";

    private readonly LocalPostgresCluster? _cluster;

    private DevDatabase(string adminConnectionString, string appConnectionString, string description, DemoProperty demo,
        LocalPostgresCluster? cluster)
    {
        AdminConnectionString = adminConnectionString;
        AppConnectionString = appConnectionString;
        Description = description;
        Demo = demo;
        _cluster = cluster;
    }

    public string AdminConnectionString { get; }

    public string AppConnectionString { get; }

    public string Description { get; }

    /// <summary>The demo room types' ids (chosen by the database when the seed first ran).</summary>
    public DemoProperty Demo { get; }

    public static async Task<DevDatabase> StartAsync(DevSettings settings, ILoggerFactory logging, CancellationToken ct)
    {
        if (settings.ExternalConnectionString is { } external)
        {
            var builder = Parse(external);
            var externalDemo = await PrepareAsync(external, logging, ct);
            return new DevDatabase(external, external, $"{builder.Host}:{builder.Port}/{builder.Database} (from {DevSettings.ConnectionStringVariable})",
                externalDemo, null);
        }

        var cluster = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions(
                Path.Combine(settings.DataDirectory, "postgres"),
                settings.PostgresPort,
                Password: DevSecrets.Get(settings.DataDirectory, "postgres-password"),
                Durable: true,
                MaxConnections: 200),
            ct);
        try
        {
            await using (var maintenance = new NpgsqlConnection(cluster.ConnectionString))
            {
                await maintenance.OpenAsync(ct);
                await using var exists = new NpgsqlCommand("select exists (select from pg_database where datname = $1)", maintenance);
                exists.Parameters.AddWithValue(DatabaseName);
                if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
                {
                    await using var create = new NpgsqlCommand($"create database {DatabaseName}", maintenance);
                    await create.ExecuteNonQueryAsync(ct);
                }
            }

            var admin = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = DatabaseName }.ConnectionString;
            var demo = await PrepareAsync(admin, logging, ct);
            var appPassword = DevSecrets.Get(settings.DataDirectory, "app-password");
            await EnsureAppLoginAsync(admin, appPassword, ct);
            var app = new NpgsqlConnectionStringBuilder(admin) { Username = AppLogin, Password = appPassword }.ConnectionString;
            return new DevDatabase(admin, app, $"embedded PostgreSQL on 127.0.0.1:{cluster.Port}, data in {cluster.Options.DataDirectory}", demo, cluster);
        }
        catch
        {
            await cluster.StopAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAsync();
        }
    }

    private static async Task<DemoProperty> PrepareAsync(string adminConnectionString, ILoggerFactory logging, CancellationToken ct)
    {
        var builder = Parse(adminConnectionString);
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(adminConnectionString);
            await new MigrationRunner(dataSource, logging.CreateLogger<MigrationRunner>()).ApplyAsync(ct);
            await using var seed = dataSource.CreateCommand(ReadSeed());
            await seed.ExecuteNonQueryAsync(ct);
            return await DemoProperty.LoadAsync(dataSource, ct);
        }
        catch (Exception e) when (e is NpgsqlException { InnerException: SocketException or TimeoutException or IOException } or SocketException)
        {
            throw new DevRunnerException(
                $"Cannot reach PostgreSQL at {builder.Host}:{builder.Port} (database {builder.Database}): {e.InnerException?.Message ?? e.Message}. " +
                $"Check {DevSettings.ConnectionStringVariable}, or unset it to use the embedded database.");
        }
        catch (PostgresException e) when (e.SqlState is "28P01" or "28000" or "3D000" or "42501")
        {
            throw new DevRunnerException(
                $"PostgreSQL at {builder.Host}:{builder.Port} refused the setup: {e.MessageText}. The connection string needs a user " +
                "that may create schemas, roles and the btree_gist extension (the migrations run with it).");
        }
    }

    private static async Task EnsureAppLoginAsync(string adminConnectionString, string password, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(ct);
        // Role names cannot be parameters; AppLogin is a constant and the password is our own hex string.
        await using var cmd = new NpgsqlCommand(
            $"""
            do $$ begin
              if not exists (select from pg_roles where rolname = '{AppLogin}') then
                create role {AppLogin} login in role booking_app;
              end if;
            end $$;
            alter role {AppLogin} password '{password}';
            """, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string ReadSeed()
    {
        using var stream = typeof(DevDatabase).Assembly.GetManifestResourceStream("sql/seed/demo_property.sql")
            ?? throw new InvalidOperationException("sql/seed/demo_property.sql is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new DevRunnerException($"{DevSettings.ConnectionStringVariable} is not a valid connection string: {e.Message}");
        }
    }
}
