using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace BookingFunctions.Functions.Tests.Host;

/// <summary>
/// The built BookingFunctions.dll started as the Functions host starts a dotnet-isolated worker: `dotnet
/// BookingFunctions.dll` in the app directory with the host's command line (both the current --functions-*
/// switches and the older ones the host still passes), FUNCTIONS_APPLICATION_DIRECTORY, and the app settings
/// as environment variables. Killed by process id if it is still running when disposed or when the test
/// process exits.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    /// <summary>What the host passes as the largest gRPC message (int.MaxValue).</summary>
    public const int GrpcMaxMessageLength = int.MaxValue;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;
    private readonly EventHandler _killOnExit;

    private WorkerProcess(Process process, ConcurrentQueue<string> output)
    {
        _process = process;
        _output = output;
        Id = process.Id;
        _killOnExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _killOnExit;
        Exited = process.WaitForExitAsync();
    }

    public int Id { get; }

    /// <summary>Completes when the process has exited and its output is read to the end.</summary>
    public Task Exited { get; }

    public int ExitCode => _process.ExitCode;

    /// <summary>stdout and stderr lines so far (stderr prefixed), for assertions and failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public static WorkerProcess Start(string appDirectory, Uri hostUri, string workerId, IReadOnlyDictionary<string, string?> appSettings)
    {
        var requestId = Guid.NewGuid().ToString();
        var maxMessage = GrpcMaxMessageLength.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(appDirectory, "BookingFunctions.dll"),
            "--host", hostUri.Host, "--port", hostUri.Port.ToString(CultureInfo.InvariantCulture),
            "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", maxMessage,
            "--functions-uri", hostUri.AbsoluteUri, "--functions-worker-id", workerId,
            "--functions-request-id", requestId, "--functions-grpc-max-message-length", maxMessage,
        })
        {
            start.ArgumentList.Add(argument);
        }

        // Only what the host would give it: no settings leak in from whoever runs the tests.
        foreach (var inherited in start.Environment.Keys.Where(IsAppSetting).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = appDirectory;
        start.Environment["AzureWebJobsScriptRoot"] = appDirectory;
        foreach (var (key, value) in appSettings.Where(s => s.Value is not null))
        {
            start.Environment[key] = value;
        }

        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Record(output, e.Data, "");
        process.ErrorDataReceived += (_, e) => Record(output, e.Data, "stderr: ");
        process.Start();
        var worker = new WorkerProcess(process, output);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await Exited.WaitAsync(TimeSpan.FromMinutes(1));
        }
        catch (TimeoutException)
        {
            // killed; the kernel reaps it
        }

        AppDomain.CurrentDomain.ProcessExit -= _killOnExit;
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private static void Record(ConcurrentQueue<string> output, string? line, string prefix)
    {
        if (line is not null)
        {
            output.Enqueue(prefix + line);
        }
    }

    private static bool IsAppSetting(string key) =>
        key.StartsWith("Booking__", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("FUNCTIONS_", StringComparison.OrdinalIgnoreCase)
        || key.Equals("DoubleBookingMonitorSchedule", StringComparison.OrdinalIgnoreCase)
        || key.Equals("BookingDb", StringComparison.OrdinalIgnoreCase);
}
