using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace BookingFunctions.LocalPostgres;

/// <summary>
/// PgBouncer from the installed binary, on 127.0.0.1 only, forwarding every database name to one PostgreSQL
/// server: the connection pooler Azure Database for PostgreSQL runs on port 6432, here for tests and the bench.
/// It refuses to run as root, so as root it runs as the same service user as the local clusters. It runs in
/// the foreground as a child of this process and is killed (by its process id) when stopped.
/// </summary>
public sealed class LocalPgBouncer : IAsyncDisposable
{
    public const string InstallHint =
        "Install PgBouncer (Debian/Ubuntu: `apt-get install -y pgbouncer`) or point PGBOUNCER at its binary.";

    private readonly Process _process;
    private int _stopped;

    private LocalPgBouncer(LocalPgBouncerOptions options, int port, Process process)
    {
        Options = options;
        Port = port;
        _process = process;
    }

    public LocalPgBouncerOptions Options { get; }

    public int Port { get; }

    public string LogFile => Path.Combine(Options.Directory, "pgbouncer.log");

    /// <summary>$PGBOUNCER, else pgbouncer on the PATH or in /usr/sbin (where Debian installs it).</summary>
    public static string? FindBinary()
    {
        if (Environment.GetEnvironmentVariable("PGBOUNCER") is { Length: > 0 } explicitBinary)
        {
            return File.Exists(explicitBinary) ? explicitBinary : null;
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return path.Append("/usr/sbin").Append("/usr/local/sbin")
            .Select(d => Path.Combine(d, "pgbouncer"))
            .FirstOrDefault(File.Exists);
    }

    public static async Task<LocalPgBouncer> StartAsync(LocalPgBouncerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var binary = FindBinary() ?? throw new LocalPostgresException($"PgBouncer was not found. {InstallHint}");
        var serviceUser = OsCommand.IsRoot ? await LocalPostgresCluster.EnsureServiceUserAsync(cancellationToken) : null;
        var port = LocalPostgresCluster.FreePort();

        Directory.CreateDirectory(options.Directory);
        var ini = Path.Combine(options.Directory, "pgbouncer.ini");
        await File.WriteAllTextAsync(ini, Configuration(options, port), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(options.Directory, "userlist.txt"), UserList(options.Users), cancellationToken);
        if (serviceUser is not null)
        {
            await OsCommand.RunAsync("chown", ["-R", serviceUser, options.Directory], null, cancellationToken);
        }

        // Its file descriptor need grows with max_client_conn; a login shell's soft limit (1024) is too low for
        // thousands of clients, so it is raised to the hard limit first.
        const string script = "ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$0\" \"$1\"";
        var info = serviceUser is null ? new ProcessStartInfo("sh") : new ProcessStartInfo("runuser");
        var prefix = serviceUser is null ? Array.Empty<string>() : new[] { "-u", serviceUser, "--", "sh" };
        foreach (var argument in prefix.Concat(new[] { "-c", script, binary, ini }))
        {
            info.ArgumentList.Add(argument);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = options.Directory;
        var process = Process.Start(info) ?? throw new LocalPostgresException("Could not start PgBouncer.");
        // everything also goes to the log file; the pipes are only drained so the child never blocks on them
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var bouncer = new LocalPgBouncer(options, port, process);
        try
        {
            await bouncer.WaitUntilListeningAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            await bouncer.StopAsync();
            throw;
        }

        return bouncer;
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        finally
        {
            _process.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>The last lines of its log, for error messages.</summary>
    public string LogTail(int lines = 15)
    {
        try
        {
            return File.Exists(LogFile) ? string.Join('\n', File.ReadLines(LogFile).TakeLast(lines)) : "(no log)";
        }
        catch (IOException)
        {
            return "(log not readable)";
        }
    }

    private async Task WaitUntilListeningAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + bound;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new LocalPostgresException($"PgBouncer exited at start (exit {_process.ExitCode}).\n{LogTail()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (SocketException e)
            {
                throw new LocalPostgresException($"PgBouncer did not listen on 127.0.0.1:{Port} within {bound.TotalSeconds:0} s.\n{LogTail()}", e);
            }
        }
    }

    private static string Configuration(LocalPgBouncerOptions options, int port)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["listen_addr"] = "127.0.0.1",
            ["listen_port"] = port.ToString(CultureInfo.InvariantCulture),
            ["unix_socket_dir"] = "",
            ["auth_type"] = "scram-sha-256",
            ["auth_file"] = Path.Combine(options.Directory, "userlist.txt"),
            ["pool_mode"] = options.PoolMode,
            ["default_pool_size"] = options.DefaultPoolSize.ToString(CultureInfo.InvariantCulture),
            ["max_client_conn"] = options.MaxClientConnections.ToString(CultureInfo.InvariantCulture),
            ["logfile"] = Path.Combine(options.Directory, "pgbouncer.log"),
            ["pidfile"] = Path.Combine(options.Directory, "pgbouncer.pid"),
            // After a failed server login PgBouncer answers every new client with an error for this long before
            // it tries again (default 15 s): after a database restart the app would stay down that much longer.
            ["server_login_retry"] = "1",
        };
        foreach (var (key, value) in options.Settings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var text = new StringBuilder();
        text.AppendLine("[databases]");
        text.AppendLine(CultureInfo.InvariantCulture, $"* = host={options.ServerHost} port={options.ServerPort}");
        text.AppendLine("[pgbouncer]");
        foreach (var (key, value) in settings)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{key} = {value}");
        }

        return text.ToString();
    }

    private static string UserList(IReadOnlyDictionary<string, string> users) =>
        string.Concat(users.Select(u => $"\"{u.Key.Replace("\"", "\"\"", StringComparison.Ordinal)}\" " +
                                        $"\"{u.Value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"\n"));
}
