using System.Diagnostics;
using System.Text.Json;
using BookingFunctions.Functions.Tests.Rpc;
using Google.Protobuf.WellKnownTypes;

namespace BookingFunctions.Functions.Tests.Host;

/// <summary>
/// A stand-in for the Azure Functions host, driving the built app through the real isolated worker:
/// gRPC server → worker process → StartStream → WorkerInitRequest/Response (HttpUri capability) →
/// FunctionsMetadataRequest → one FunctionLoadRequest per function. Then HTTP functions are invoked as the host
/// invokes them with ASP.NET Core integration (InvocationRequest + the HTTP request forwarded to the worker's
/// own Kestrel with x-ms-invocation-id), the timer with TimerInfo JSON, and WorkerTerminate stops it.
/// </summary>
internal sealed class FunctionsHost : IAsyncDisposable
{
    /// <summary>Worker start-up took 1–14 s on a busy 2-core machine; this bounds a hang, not the speed.</summary>
    public static readonly TimeSpan StartupBound = TimeSpan.FromMinutes(3);

    private const string HttpUriCapability = "HttpUri";
    private const string InvocationIdHeader = "x-ms-invocation-id";

    private readonly RpcServer _server;
    private readonly WorkerProcess _process;
    private readonly WorkerChannel _channel;
    private readonly Uri _workerHttpUri;
    private readonly Dictionary<string, string> _functionIds;
    private readonly HttpRoutes _routes;
    private readonly HttpClient _forwarder;

    private FunctionsHost(RpcServer server, WorkerProcess process, WorkerChannel channel, Uri workerHttpUri,
        Dictionary<string, string> functionIds, IReadOnlyList<FunctionEntry> functions)
    {
        _server = server;
        _process = process;
        _channel = channel;
        _workerHttpUri = workerHttpUri;
        _functionIds = functionIds;
        Functions = functions;
        _routes = new HttpRoutes(functions, FunctionsMetadata.RoutePrefix(FunctionsApp.HostJsonFile));
        _forwarder = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
    }

    public IReadOnlyList<FunctionEntry> Functions { get; }

    public IReadOnlyList<RpcLog> Logs => _channel.Logs;

    public WorkerProcess Process => _process;

    /// <summary>Starts the worker with these app settings and loads every function it reports.</summary>
    public static async Task<FunctionsHost> StartAsync(IReadOnlyDictionary<string, string?> appSettings, CancellationToken ct)
    {
        var server = await RpcServer.StartAsync(ct);
        WorkerProcess? process = null;
        try
        {
            var workerId = Guid.NewGuid().ToString();
            var connected = server.Workers.WaitForAsync(workerId);
            process = WorkerProcess.Start(FunctionsApp.Directory, server.Uri, workerId, appSettings);
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bound.CancelAfter(StartupBound);

            var first = await Task.WhenAny(connected, process.Exited).WaitAsync(bound.Token);
            if (first != connected)
            {
                throw new WorkerExitedException(process.ExitCode, process.Output);
            }

            var channel = await connected;
            var init = (await channel.RequestAsync(new StreamingMessage
            {
                WorkerInitRequest = new WorkerInitRequest
                {
                    HostVersion = "4.0.0-bookingfunctions-tests",
                    WorkerDirectory = FunctionsApp.Directory,
                    FunctionAppDirectory = FunctionsApp.Directory,
                },
            }, bound.Token)).WorkerInitResponse;
            Require(init.Result, "WorkerInitResponse", process);
            if (!init.Capabilities.TryGetValue(HttpUriCapability, out var httpUri))
            {
                throw new InvalidOperationException($"The worker did not advertise {HttpUriCapability}: ASP.NET Core integration is off.");
            }

            var metadata = (await channel.RequestAsync(new StreamingMessage
            {
                FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = FunctionsApp.Directory },
            }, bound.Token)).FunctionMetadataResponse;
            Require(metadata.Result, "FunctionMetadataResponse", process);

            var functionIds = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var function in metadata.FunctionMetadataResults)
            {
                var load = (await channel.RequestAsync(new StreamingMessage
                {
                    FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function },
                }, bound.Token)).FunctionLoadResponse;
                Require(load.Result, $"FunctionLoadResponse for {function.Name}", process);
                functionIds[function.Name] = function.FunctionId;
            }

            // The worker answers on gRPC while its Kestrel may still be binding (hosted services start in turn).
            await WaitUntilListeningAsync(new Uri(httpUri), process, bound.Token);
            return new FunctionsHost(server, process, channel, new Uri(httpUri), functionIds, FunctionsMetadata.Read(FunctionsApp.MetadataFile));
        }
        catch
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }

            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// An HTTP request as the host handles it: matched against the routes in functions.metadata (404 when none
    /// matches, as the host answers), an InvocationRequest for it, and the request forwarded to the worker
    /// (this method points <paramref name="request"/> at the worker and adds the invocation id header).
    /// </summary>
    public async Task<HttpInvocation> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var uri = request.RequestUri!;
        if (_routes.Match(request.Method.Method, uri.AbsolutePath) is not { } match)
        {
            return new HttpInvocation(new HttpResponseMessage(System.Net.HttpStatusCode.NotFound), null);
        }

        var invocationId = Guid.NewGuid().ToString();
        var invocation = NewInvocation(match.Function, invocationId);
        // Proxying: the trigger input is an empty RpcHttp; the worker reads the request itself from its Kestrel.
        invocation.InputData.Add(new ParameterBinding { Name = TriggerName(match.Function), Data = new TypedData { Http = new RpcHttp() } });
        foreach (var (name, value) in match.Values)
        {
            invocation.TriggerMetadata[name] = new TypedData { String = value };
        }

        invocation.TriggerMetadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(
            Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).ToDictionary(q => q.Key, q => q.Value.ToString())) };
        invocation.TriggerMetadata["Headers"] = new TypedData { Json = JsonSerializer.Serialize(
            request.Headers.ToDictionary(h => h.Key, h => string.Join(", ", h.Value))) };

        // The invocation goes out first, then the request. The host starts forwarding first, but the worker pairs
        // them either way; this order gives the pairing the worker's 15 s wait for the request instead of its 5 s
        // wait for the invocation, which a busy 2-core machine can overrun.
        var answered = _channel.RequestAsync(new StreamingMessage { InvocationRequest = invocation }, ct);
        request.RequestUri = new Uri(_workerHttpUri, uri.PathAndQuery);
        request.Headers.Add(InvocationIdHeader, invocationId);
        var response = await _forwarder.SendAsync(request, ct);
        await response.Content.LoadIntoBufferAsync(ct);
        return new HttpInvocation(response, (await answered).InvocationResponse);
    }

    /// <summary>A timer trigger firing, as the host sends it: the TimerInfo as JSON input.</summary>
    public async Task<InvocationResponse> FireTimerAsync(string functionName, CancellationToken ct)
    {
        var function = Functions.Single(f => f.Name == functionName);
        var invocation = NewInvocation(function, Guid.NewGuid().ToString());
        var now = DateTimeOffset.UtcNow;
        var timerInfo = JsonSerializer.Serialize(new
        {
            Schedule = new { AdjustForDST = true },
            ScheduleStatus = new { Last = now.AddMinutes(-5), Next = now.AddMinutes(5), LastUpdated = now.AddMinutes(-5) },
            IsPastDue = false,
        });
        invocation.InputData.Add(new ParameterBinding { Name = TriggerName(function), Data = new TypedData { Json = timerInfo } });
        return (await _channel.RequestAsync(new StreamingMessage { InvocationRequest = invocation }, ct)).InvocationResponse;
    }

    /// <summary>The worker's RpcLog messages of one invocation.</summary>
    public IReadOnlyList<RpcLog> LogsOf(string invocationId) => _channel.Logs.Where(l => l.InvocationId == invocationId).ToList();

    /// <summary>
    /// The logs that arrived after the first <paramref name="mark"/> ones (<see cref="Logs"/>.Count before an invocation).
    /// With the worker's OpenTelemetry defaults (the app's telemetryMode), the worker no longer tags its logs with the
    /// invocation id (its 1.37 schema names it faas.invocation_id, which the gRPC log writer does not read), so a
    /// test that fires one invocation at a time reads them by arrival instead.
    /// </summary>
    public IReadOnlyList<RpcLog> LogsAfter(int mark) => _channel.Logs.Skip(mark).ToList();

    /// <summary>WorkerTerminate, then waits for the process to leave; true when it exited by itself.</summary>
    public async Task<bool> TerminateAsync(TimeSpan bound, CancellationToken ct)
    {
        if (_process.Exited.IsCompleted)
        {
            return true;
        }

        await _channel.SendAsync(new StreamingMessage
        {
            WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) },
        }, ct);
        try
        {
            await _process.Exited.WaitAsync(bound, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TerminateAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or Grpc.Core.RpcException)
        {
            // the stream is gone already: the process is killed below either way
        }

        _forwarder.Dispose();
        await _process.DisposeAsync();
        await _server.DisposeAsync();
    }

    private InvocationRequest NewInvocation(FunctionEntry function, string invocationId) => new()
    {
        InvocationId = invocationId,
        FunctionId = _functionIds[function.Name],
        // The worker reads the trace context of every invocation: the host always sends one.
        TraceContext = new RpcTraceContext
        {
            TraceParent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01",
            TraceState = string.Empty,
            Attributes = { ["ProcessId"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        },
    };

    private static async Task WaitUntilListeningAsync(Uri uri, WorkerProcess process, CancellationToken ct)
    {
        while (true)
        {
            if (process.Exited.IsCompleted)
            {
                throw new WorkerExitedException(process.ExitCode, process.Output);
            }

            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(uri.Host, uri.Port, ct);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
    }

    private static string TriggerName(FunctionEntry function) => FunctionEntry.String(function.Trigger, "name")!;

    private static void Require(StatusResult result, string what, WorkerProcess process)
    {
        if (result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"{what}: {result.Status} {result.Exception?.Message}\n{process.Output}");
        }
    }
}

/// <summary>The worker process ended before it was ready for invocations.</summary>
internal sealed class WorkerExitedException(int exitCode, string output)
    : Exception($"The worker exited (code {exitCode}) before it was ready:\n{output}")
{
    public int ExitCode { get; } = exitCode;

    public string Output { get; } = output;
}

/// <summary>What the caller got (the worker's HTTP response) and what the worker told the host about the invocation.</summary>
internal sealed record HttpInvocation(HttpResponseMessage Response, InvocationResponse? Invocation) : IDisposable
{
    public void Dispose() => Response.Dispose();
}
