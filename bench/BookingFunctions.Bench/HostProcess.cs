using System.Diagnostics;
using System.Runtime.Versioning;

namespace BookingFunctions.Bench;

/// <summary>
/// One standalone host in an OS process of its own — W7's stand-in for one Azure Functions instance, with its own
/// Npgsql pool, batchers and thread pool. Configured through environment variables (as App Settings configure a
/// Function App), ready once it serves its OpenAPI document, killed by its process id at the end.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private long _loggedErrors;
    private readonly List<string> _firstError = [];

    private HostProcess(Process process, StreamWriter log, Uri baseAddress)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
    }

    /// <summary>The host's build output: bench.sh builds it with the bench (a project reference).</summary>
    public static string Assembly => Path.Combine(BenchOptions.RepoRoot(), "StandaloneHost", "bin", "Release", "net10.0",
        "BookingFunctions.StandaloneHost.dll");

    public Uri BaseAddress { get; }

    /// <summary>Lines the host logged at Error or above ("fail:"/"crit:"): an unhandled exception, i.e. a 500, logs one.</summary>
    public long LoggedErrors => Interlocked.Read(ref _loggedErrors);

    /// <summary>The first error the host logged: its "fail:" line and the message lines after it (the report names it).</summary>
    public string? FirstError
    {
        get
        {
            lock (_log)
            {
                return _firstError.Count == 0 ? null : string.Join(" ", _firstError.Select(l => l.Trim()));
            }
        }
    }

    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string> settings, string logFile, CancellationToken ct)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(Assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Assembly);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        // Each process stands in for one Functions instance, and the isolated worker (Microsoft.NET.Sdk) runs with
        // workstation GC; the standalone host (Microsoft.NET.Sdk.Web) defaults to server GC, whose per-core heaps and
        // spinning GC threads, times 16 processes on the same cores, would measure that setting instead of the pooler.
        info.Environment["DOTNET_gcServer"] = "0";
        // Fully optimized code from each method's first call: with tiered compilation, 16 lightly loaded processes each
        // reach tier 1 (and run their dynamic-PGO instrumentation) well into the window — tens of core-seconds of JIT
        // on the same 2 cores — while one busy process is done within its warm-up. Same setting for every phase.
        info.Environment["DOTNET_TieredCompilation"] = "0";
        // Error and above only: the host logs a warning per 503, which would measure the log pipe instead
        info.Environment["Logging__LogLevel__Default"] = "Error";
        info.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Error";
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the standalone host.");
        var host = new HostProcess(process, log, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => host.Record(e.Data);
        process.ErrorDataReceived += (_, e) => host.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilReadyAsync(TimeSpan.FromMinutes(3), ct);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        var error = line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);
        if (error)
        {
            Interlocked.Increment(ref _loggedErrors);
        }

        lock (_log)
        {
            _log.WriteLine(line);
            // the console logger writes the category on the "fail:" line and the message on the next ones
            if ((error && _firstError.Count == 0) || (_firstError.Count is > 0 and < 3))
            {
                _firstError.Add(line);
            }
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan bound, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var until = DateTime.UtcNow + bound;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The standalone host exited at start (exit {_process.ExitCode}); see its log.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/api/openapi.json", UriKind.Relative), ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // not listening yet
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"The standalone host on {BaseAddress} was not ready within {bound}.");
            }

            await Task.Delay(200, ct);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
