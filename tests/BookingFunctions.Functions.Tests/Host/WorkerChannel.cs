using System.Collections.Concurrent;
using BookingFunctions.Functions.Tests.Rpc;
using Grpc.Core;

namespace BookingFunctions.Functions.Tests.Host;

/// <summary>
/// The host's end of one worker's event stream: requests go out with a request id the worker echoes on its
/// response, and the worker's own messages (RpcLog) are kept for the tests to read.
/// </summary>
internal sealed class WorkerChannel(string workerId, IServerStreamWriter<StreamingMessage> writer) : IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RpcLog> _logs = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string WorkerId { get; } = workerId;

    /// <summary>Ends when the worker closes its stream (or the connection drops).</summary>
    public Task Closed => _closed.Task;

    public IReadOnlyList<RpcLog> Logs => _logs.ToArray();

    /// <summary>Sends a request and waits for the worker's message with the same request id.</summary>
    public async Task<StreamingMessage> RequestAsync(StreamingMessage request, CancellationToken ct)
    {
        request.RequestId = Guid.NewGuid().ToString();
        var response = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[request.RequestId] = response;
        try
        {
            await SendAsync(request, ct);
            return await response.Task.WaitAsync(ct);
        }
        finally
        {
            _pending.TryRemove(request.RequestId, out _);
        }
    }

    /// <summary>A message the worker does not answer (WorkerTerminate).</summary>
    public async Task SendAsync(StreamingMessage message, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await writer.WriteAsync(message, ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    /// <summary>Runs for the life of the stream: answers go to their waiting request, logs to <see cref="Logs"/>.</summary>
    public async Task ReadAllAsync(IAsyncStreamReader<StreamingMessage> reader, CancellationToken ct)
    {
        try
        {
            while (await reader.MoveNext(ct))
            {
                var message = reader.Current;
                if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
                {
                    _logs.Enqueue(message.RpcLog);
                }
                else if (_pending.TryGetValue(message.RequestId, out var waiting))
                {
                    waiting.TrySetResult(message);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or Grpc.Core.RpcException)
        {
            // the worker went away: waiting requests fail below
        }
        finally
        {
            foreach (var waiting in _pending.Values)
            {
                waiting.TrySetException(new IOException($"Worker {WorkerId} closed its stream before answering."));
            }

            _closed.TrySetResult();
        }
    }
}
