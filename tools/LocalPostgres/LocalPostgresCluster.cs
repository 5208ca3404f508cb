using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace BookingFunctions.LocalPostgres;

/// <summary>
/// A PostgreSQL cluster from the locally installed binaries, listening on 127.0.0.1 only (no Unix socket).
/// initdb and postgres refuse to run as root, so as root the cluster belongs to the `postgres` service
/// user (created as `bookingpg` when the machine has none).
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    private readonly string _pgCtl;
    private readonly string? _serviceUser;
    private int _stopped;

    private LocalPostgresCluster(LocalPostgresOptions options, string binDirectory, string? serviceUser, int port)
    {
        Options = options;
        Port = port;
        _pgCtl = Path.Combine(binDirectory, "pg_ctl");
        _serviceUser = serviceUser;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Password = options.Password,
            Database = "postgres",
        }.ConnectionString;
    }

    public LocalPostgresOptions Options { get; }

    public int Port { get; }

    /// <summary>Superuser connection to the <c>postgres</c> database.</summary>
    public string ConnectionString { get; }

    public string LogFile => Path.Combine(Options.DataDirectory, "server.log");

    public static async Task<LocalPostgresCluster> StartAsync(LocalPostgresOptions options, CancellationToken cancellationToken)
    {
        var bin = PostgresBinaries.Require();
        var serviceUser = OsCommand.IsRoot ? await EnsureServiceUserAsync(cancellationToken) : null;
        var port = options.Port == 0 ? FreePort() : RequireFreePort(options.Port);
        var cluster = new LocalPostgresCluster(options, bin, serviceUser, port);
        await cluster.InitIfNeededAsync(bin, cancellationToken);
        await cluster.StartServerAsync(cancellationToken);
        return cluster;
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        // fast: roll back open transactions and shut down cleanly, so a reused data directory needs no recovery
        await OsCommand.SucceedsAsync(_pgCtl, ["stop", "-D", Options.DataDirectory, "-m", "fast", "-w", "-t", "60"],
            _serviceUser, CancellationToken.None);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>
    /// A hot standby of this cluster on a free loopback port: a base backup (pg_basebackup -R, WAL streamed
    /// alongside) into <paramref name="dataDirectory"/>, then started with this cluster's settings, so it streams
    /// and replays this cluster's WAL and answers read-only queries. Needs wal_level replica (the default) and a
    /// pg_hba entry for replication from 127.0.0.1 (initdb writes one).
    /// </summary>
    public async Task<LocalPostgresCluster> StartStandbyAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var bin = PostgresBinaries.Require();
        var standby = new LocalPostgresCluster(Options with { DataDirectory = dataDirectory, Port = 0 }, bin, _serviceUser, FreePort());
        Directory.CreateDirectory(dataDirectory);
        if (_serviceUser is not null)
        {
            await OsCommand.RunAsync("chown", ["-R", _serviceUser, dataDirectory], null, cancellationToken);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var source = new NpgsqlConnectionStringBuilder(ConnectionString);
        var conninfo = $"host={source.Host} port={source.Port} user={source.Username}" +
                       (source.Password is { Length: > 0 } password ? $" password={password}" : "");
        var args = new List<string> { "-D", dataDirectory, "-d", conninfo, "-X", "stream", "-c", "fast", "-R" };
        if (!Options.Durable)
        {
            args.Add("--no-sync");
        }

        await OsCommand.RunAsync(Path.Combine(bin, "pg_basebackup"), args, _serviceUser, cancellationToken);
        // the primary's log came along with its data directory; the standby writes its own
        File.Delete(standby.LogFile);
        await standby.StartServerAsync(cancellationToken);
        return standby;
    }

    /// <summary>Stops the server abruptly and starts it again on the same port (fault-injection tests).</summary>
    public async Task RestartAsync(TimeSpan downtime, CancellationToken cancellationToken)
    {
        await OsCommand.RunAsync(_pgCtl, ["stop", "-D", Options.DataDirectory, "-m", "immediate", "-w"], _serviceUser, cancellationToken);
        await Task.Delay(downtime, cancellationToken);
        await StartServerAsync(cancellationToken);
    }

    private async Task InitIfNeededAsync(string bin, CancellationToken cancellationToken)
    {
        var data = Options.DataDirectory;
        Directory.CreateDirectory(data);
        if (_serviceUser is not null)
        {
            await OsCommand.RunAsync("chown", ["-R", _serviceUser, data], null, cancellationToken);
            if (!await OsCommand.SucceedsAsync("test", ["-w", data], _serviceUser, cancellationToken))
            {
                throw new LocalPostgresException(
                    $"The PostgreSQL service user '{_serviceUser}' cannot reach {data}: a parent folder is not " +
                    "traversable by other users. Put the data folder elsewhere (BOOKING_DATA_DIR) or run as a normal user.");
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            // initdb refuses a data directory readable by others
            File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            return;
        }

        var args = new List<string> { "-D", data, "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync" };
        string? passwordFile = null;
        if (Options.Password is null)
        {
            args.AddRange(["-A", "trust"]);
        }
        else
        {
            passwordFile = Path.Combine(data, "..", $".pwfile-{Guid.NewGuid():N}");
            await File.WriteAllTextAsync(passwordFile, Options.Password, cancellationToken);
            if (_serviceUser is not null)
            {
                await OsCommand.RunAsync("chown", [_serviceUser, passwordFile], null, cancellationToken);
            }

            args.AddRange(["-A", "scram-sha-256", $"--pwfile={passwordFile}"]);
        }

        try
        {
            await OsCommand.RunAsync(Path.Combine(bin, "initdb"), args, _serviceUser, cancellationToken);
        }
        finally
        {
            if (passwordFile is not null)
            {
                File.Delete(passwordFile);
            }
        }
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var data = Options.DataDirectory;
        if (await OsCommand.SucceedsAsync(_pgCtl, ["status", "-D", data], _serviceUser, cancellationToken))
        {
            // left running by a process that died: it may listen on another port, so restart it on ours
            await OsCommand.SucceedsAsync(_pgCtl, ["stop", "-D", data, "-m", "fast", "-w"], _serviceUser, cancellationToken);
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["listen_addresses"] = "127.0.0.1",
            ["port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["unix_socket_directories"] = "''",
            ["max_connections"] = Options.MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (!Options.Durable)
        {
            settings["fsync"] = "off";
            settings["synchronous_commit"] = "off";
            settings["full_page_writes"] = "off";
        }

        foreach (var (key, value) in Options.Settings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var serverArgs = string.Join(' ', settings.Select(s => $"-c {s.Key}={s.Value}"));
        try
        {
            await OsCommand.RunAsync(_pgCtl, ["start", "-D", data, "-w", "-t", "60", "-l", LogFile, "-o", serverArgs],
                _serviceUser, cancellationToken);
        }
        catch (LocalPostgresException e)
        {
            var log = File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(15)) : "(no log)";
            throw new LocalPostgresException($"PostgreSQL did not start on 127.0.0.1:{Port}. {e.Message}\n{log}", e);
        }

        Interlocked.Exchange(ref _stopped, 0);
    }

    /// <summary>
    /// Whether the PostgreSQL server could keep its files under <paramref name="directory"/>: always for a normal user
    /// (the cluster runs as that user); as root, whether the service user may enter every folder on the way there.
    /// </summary>
    public static async Task<bool> ServiceUserCanReachAsync(string directory, CancellationToken cancellationToken)
    {
        if (!OsCommand.IsRoot)
        {
            return true;
        }

        var serviceUser = await EnsureServiceUserAsync(cancellationToken);
        return await OsCommand.SucceedsAsync("test", ["-x", directory], serviceUser, cancellationToken);
    }

    /// <summary>Whether this process runs as root (then the cluster belongs to a service user).</summary>
    public static bool RunsAsRoot => OsCommand.IsRoot;

    internal static async Task<string> EnsureServiceUserAsync(CancellationToken cancellationToken)
    {
        if (await OsCommand.SucceedsAsync("id", ["-u", "postgres"], null, cancellationToken))
        {
            return "postgres";
        }

        if (!await OsCommand.SucceedsAsync("id", ["-u", "bookingpg"], null, cancellationToken))
        {
            await OsCommand.RunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "bookingpg"],
                null, cancellationToken);
        }

        return "bookingpg";
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int RequireFreePort(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return port;
        }
        catch (SocketException)
        {
            throw new LocalPostgresException(
                $"Port {port} on 127.0.0.1 is already in use. Stop what listens there or choose another port.");
        }
    }
}
