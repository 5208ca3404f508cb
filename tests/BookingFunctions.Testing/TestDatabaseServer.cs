using BookingFunctions.Database;
using BookingFunctions.LocalPostgres;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Testcontainers.PostgreSql;

namespace BookingFunctions.Testing;

/// <summary>
/// One PostgreSQL server per test process, found in this order:
/// 1. BOOKING_TEST_CONNECTION_STRING (a superuser connection string) — overrides everything;
/// 2. Testcontainers (postgres:17-alpine) when a Docker engine answers;
/// 3. a throwaway cluster from the local PostgreSQL binaries (works as root, as CI runs).
/// Each test class gets its own database, copied from a migrated template, so classes run in parallel.
/// </summary>
public sealed class TestDatabaseServer
{
    public const string ConnectionStringVariable = "BOOKING_TEST_CONNECTION_STRING";
    public const string AppLogin = "booking_app_login";
    public const string AppPassword = "booking-app-test-only";

    private static readonly Lazy<Task<TestDatabaseServer>> Instance = new(StartAsync);
    private readonly Lazy<Task<string>> _template;
    private readonly Lazy<Task<LocalPgBouncer>> _pooler;
    private readonly Lazy<Task<LocalPostgresCluster?>> _standby;

    private TestDatabaseServer(string adminConnectionString, string source, LocalPostgresCluster? localCluster)
    {
        AdminConnectionString = adminConnectionString;
        Source = source;
        LocalCluster = localCluster;
        _template = new Lazy<Task<string>>(() => BuildTemplateAsync(CancellationToken.None));
        _pooler = new Lazy<Task<LocalPgBouncer>>(StartPoolerAsync);
        _standby = new Lazy<Task<LocalPostgresCluster?>>(StartStandbyAsync);
    }

    /// <summary>Superuser connection to the maintenance database.</summary>
    public string AdminConnectionString { get; }

    /// <summary>Where the server came from, for test output.</summary>
    public string Source { get; }

    /// <summary>The local cluster, when tests started one (fault tests restart it).</summary>
    public LocalPostgresCluster? LocalCluster { get; }

    public static Task<TestDatabaseServer> GetAsync() => Instance.Value;

    /// <summary>
    /// One PgBouncer per test process in front of this server, in transaction mode with 20 server connections per
    /// database, handing out its server connections round-robin so that consecutive transactions of one client
    /// land on different server sessions (whatever relies on session state breaks here, not in production).
    /// Fails with the install command when PgBouncer is missing.
    /// </summary>
    public Task<LocalPgBouncer> PoolerAsync() => _pooler.Value;

    /// <summary>
    /// A hot standby of the throwaway local cluster (pg_basebackup -R, streaming), started on first use; null when
    /// the tests use another server (BOOKING_TEST_CONNECTION_STRING, Testcontainers), which this process cannot copy.
    /// </summary>
    public Task<LocalPostgresCluster?> StandbyAsync() => _standby.Value;

    public Task<TestDatabase> CreateDatabaseAsync(string nameHint, CancellationToken cancellationToken) =>
        CreateDatabaseAsync(nameHint, DatabaseRoute.Direct, cancellationToken);

    public async Task<TestDatabase> CreateDatabaseAsync(string nameHint, DatabaseRoute route, CancellationToken cancellationToken)
    {
        var pooler = route == DatabaseRoute.PgBouncer ? await PoolerAsync().WaitAsync(cancellationToken) : null;
        var template = await _template.Value.WaitAsync(cancellationToken);
        var name = $"t_{Sanitize(nameHint)}_{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 50)].ToLowerInvariant(); // short hints must not throw
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await admin.ExecuteAsync(new CommandDefinition(
                $"create database \"{name}\" template \"{template}\"", cancellationToken: cancellationToken));
        }

        return new TestDatabase(this, name, pooler);
    }

    private static async Task<TestDatabaseServer> StartAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new TestDatabaseServer(fromEnvironment, $"{ConnectionStringVariable}", null);
        }

        if (DockerMayAnswer())
        {
            try
            {
                var container = new PostgreSqlBuilder("postgres:17-alpine").WithCommand("-c", "max_connections=600").Build();
                await container.StartAsync();
                return new TestDatabaseServer(container.GetConnectionString(), "Testcontainers postgres:17-alpine", null);
            }
            catch (Exception e) when (e is DotNet.Testcontainers.Builders.DockerUnavailableException or System.Net.Http.HttpRequestException)
            {
                // no engine behind the socket: fall through to local binaries
            }
        }

        if (PostgresBinaries.Find() is null)
        {
            throw new InvalidOperationException(
                "No PostgreSQL for the tests: no Docker engine answered and no local server binaries were found. " +
                $"Set {ConnectionStringVariable} to a superuser connection string, or: {PostgresBinaries.InstallHint}");
        }

        var directory = Path.Combine(Path.GetTempPath(), "bookingfunctions-tests", $"pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..24]);
        var cluster = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions(directory, Durable: false, MaxConnections: 800,
                Settings: new Dictionary<string, string>(StringComparer.Ordinal) { ["shared_buffers"] = "256MB" }),
            CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            cluster.StopAsync().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort: /tmp is cleaned anyway
            }
        };
        return new TestDatabaseServer(cluster.ConnectionString, $"local PostgreSQL cluster on 127.0.0.1:{cluster.Port}", cluster);
    }

    private async Task<LocalPgBouncer> StartPoolerAsync()
    {
        if (LocalPgBouncer.FindBinary() is null)
        {
            throw new InvalidOperationException(
                $"The tests that run through a connection pooler need PgBouncer. {LocalPgBouncer.InstallHint}");
        }

        var server = new NpgsqlConnectionStringBuilder(AdminConnectionString);
        var directory = Path.Combine(Path.GetTempPath(), "bookingfunctions-tests", $"pgbouncer-{Environment.ProcessId}-{Guid.NewGuid():N}"[..30]);
        var pooler = await LocalPgBouncer.StartAsync(new LocalPgBouncerOptions(
            directory, server.Host ?? "127.0.0.1", server.Port,
            new Dictionary<string, string>(StringComparer.Ordinal) { [AppLogin] = AppPassword },
            DefaultPoolSize: 20,
            Settings: new Dictionary<string, string>(StringComparer.Ordinal) { ["server_round_robin"] = "1" }), CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            pooler.StopAsync().GetAwaiter().GetResult();
            DeleteQuietly(directory);
        };
        return pooler;
    }

    private async Task<LocalPostgresCluster?> StartStandbyAsync()
    {
        if (LocalCluster is null)
        {
            return null;
        }

        // the template first: the databases the standby serves are copies of it
        await _template.Value;
        var directory = Path.Combine(Path.GetTempPath(), "bookingfunctions-tests", $"standby-{Environment.ProcessId}-{Guid.NewGuid():N}"[..29]);
        var standby = await LocalCluster.StartStandbyAsync(directory, CancellationToken.None);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            standby.StopAsync().GetAwaiter().GetResult();
            DeleteQuietly(directory);
        };
        return standby;
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: /tmp is cleaned anyway
        }
        catch (UnauthorizedAccessException)
        {
            // files of the service user we could not remove: the same
        }
    }

    private static bool DockerMayAnswer() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");

    private async Task<string> BuildTemplateAsync(CancellationToken cancellationToken)
    {
        var migrations = Migration.Embedded();
        var fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(string.Join('|', migrations.Select(m => m.Checksum)))))[..16];
        var template = $"booking_template_{fingerprint}";

        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync(cancellationToken);
        // other test processes may share this server: one builds the template, the rest wait
        await admin.ExecuteAsync(new CommandDefinition("select pg_advisory_lock(4242001)", cancellationToken: cancellationToken));
        try
        {
            var exists = await admin.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select from pg_database where datname = @template and datistemplate)",
                new { template }, cancellationToken: cancellationToken));
            if (!exists)
            {
                await admin.ExecuteAsync(new CommandDefinition($"drop database if exists \"{template}\"", cancellationToken: cancellationToken));
                await admin.ExecuteAsync(new CommandDefinition($"create database \"{template}\"", cancellationToken: cancellationToken));
                var templateConnection = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = template, Pooling = false };
                await using (var dataSource = NpgsqlDataSource.Create(templateConnection.ConnectionString))
                {
                    await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(cancellationToken);
                }

                await admin.ExecuteAsync(new CommandDefinition(
                    $"""
                    do $$ begin
                      if not exists (select from pg_roles where rolname = '{AppLogin}') then
                        create role {AppLogin} login password '{AppPassword}' in role booking_app;
                      end if;
                    end $$;
                    alter database "{template}" with is_template true;
                    """, cancellationToken: cancellationToken));
            }
        }
        finally
        {
            await admin.ExecuteAsync(new CommandDefinition("select pg_advisory_unlock(4242001)", cancellationToken: CancellationToken.None));
        }

        return template;
    }

    private static string Sanitize(string hint) =>
        new(hint.Where(char.IsAsciiLetterOrDigit).Take(20).ToArray());
}
