using System.Collections.Concurrent;
using BookingFunctions.Functions.Tests.Rpc;
using Grpc.Core;

namespace BookingFunctions.Functions.Tests.Host;

/// <summary>
/// FunctionRpc.EventStream as the Functions host serves it: a worker opens the stream with StartStream naming
/// itself (the --functions-worker-id it was started with), and from then on the host drives it.
/// </summary>
internal sealed class FunctionRpcService(WorkerRegistry workers) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(
        IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken)
            || requestStream.Current.ContentCase != StreamingMessage.ContentOneofCase.StartStream)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.FailedPrecondition, "A worker's first message must be StartStream."));
        }

        using var channel = new WorkerChannel(requestStream.Current.StartStream.WorkerId, responseStream);
        var reading = channel.ReadAllAsync(requestStream, context.CancellationToken);
        workers.Connected(channel);
        await reading;
    }
}

/// <summary>Workers that connected, by worker id: the host waits for the one it started.</summary>
internal sealed class WorkerRegistry
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkerChannel>> _workers = new(StringComparer.Ordinal);

    public Task<WorkerChannel> WaitForAsync(string workerId) => Entry(workerId).Task;

    public void Connected(WorkerChannel channel) => Entry(channel.WorkerId).TrySetResult(channel);

    private TaskCompletionSource<WorkerChannel> Entry(string workerId) =>
        _workers.GetOrAdd(workerId, _ => new TaskCompletionSource<WorkerChannel>(TaskCreationOptions.RunContinuationsAsynchronously));
}
