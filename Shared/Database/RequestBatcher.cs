using System.Diagnostics;
using System.Threading.Channels;

namespace BookingFunctions.Database;

/// <summary>
/// Coalesces the requests that arrive while earlier ones are in the database into one call per batch.
/// No timer: a request waits only while all <c>concurrentBatches</c> calls are busy, so a lone request goes
/// straight through. Every request gets its own result or its own exception. Subclasses say how a batch is
/// sent (<see cref="SendAsync"/>) and must answer every request of it, and may weigh requests
/// (<see cref="SizeOf"/>: a batch carries at most <c>maxBatchSize</c> of weight, a request is never split).
/// </summary>
public abstract class RequestBatcher<TRequest, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly int _maxBatchSize;
    private readonly Task[] _workers;
    private long _batches;
    private long _requests;

    protected RequestBatcher(int concurrentBatches, int maxBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrentBatches, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _maxBatchSize = maxBatchSize;
        _workers = Enumerable.Range(0, concurrentBatches).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    /// <summary>Batches sent so far.</summary>
    public long BatchesSent => Interlocked.Read(ref _batches);

    /// <summary>Requests those batches carried: RequestsSent / BatchesSent is the mean batch size.</summary>
    public long RequestsSent => Interlocked.Read(ref _requests);

    /// <summary>Queues one request; the task ends with its own result or exception.</summary>
    protected Task<TResult> EnqueueAsync(TRequest request, CancellationToken ct)
    {
        var pending = new Pending(request);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(GetType().Name, "The app is shutting down.");
        }
        if (ct.CanBeCanceled)
        {
            // A caller that gives up before its batch leaves is dropped from it; once sent, the batch decides.
            var registration = ct.Register(static p => ((Pending)p!).TrySetCanceled(), pending);
            _ = pending.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return pending.Task;
    }

    /// <summary>Sends one batch (requests in arrival order, at most MaxBatchSize of weight) and answers every request of it.</summary>
    protected abstract Task SendAsync(IReadOnlyList<Pending> batch);

    /// <summary>A request's weight against the batch limit (1 unless a subclass says otherwise, e.g. the rooms of a group).</summary>
    protected virtual int SizeOf(TRequest request) => 1;

    private async Task RunAsync()
    {
        // A worker serves every request: it must not inherit the trace of whichever request created it.
        Activity.Current = null;
        var batch = new List<Pending>(_maxBatchSize);
        // a claimed request that did not fit the last batch: it opens the next one (claimed, so its caller's cancel no
        // longer drops it, as for any request that has left the queue)
        Pending? carried = null;
        while (carried is not null || await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var size = 0;
            if (carried is not null)
            {
                batch.Add(carried);
                size = SizeOf(carried.Request);
                carried = null;
            }

            while (size < _maxBatchSize && _queue.Reader.TryRead(out var pending))
            {
                if (!pending.TryClaim())
                {
                    continue;
                }

                var weight = SizeOf(pending.Request);
                if (batch.Count > 0 && size + weight > _maxBatchSize)
                {
                    carried = pending;
                    break;
                }

                batch.Add(pending);
                size += weight;
            }
            if (batch.Count == 0)
            {
                continue;
            }

            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _requests, batch.Count);
            try
            {
                await SendAsync(batch);
            }
            catch (Exception e)
            {
                foreach (var pending in batch)
                {
                    pending.Fail(e);
                }
            }
            // a subclass must answer every request; should it miss one, its caller must not hang
            foreach (var pending in batch.Where(p => !p.Task.IsCompleted))
            {
                pending.Fail(new InvalidOperationException("The batch returned no answer for this request."));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Requests already queued are still sent; new ones are refused.
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers);
        GC.SuppressFinalize(this);
    }

    /// <summary>A queued request. Claimed by a batch or cancelled by its caller, never both.</summary>
    protected sealed class Pending(TRequest request)
    {
        private readonly TaskCompletionSource<TResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state; // 0 queued, 1 claimed by a batch, 2 cancelled

        public TRequest Request { get; } = request;

        /// <summary>The caller's trace context: a batch's database span is its child (one caller) or links to it (several).</summary>
        public ActivityContext Caller { get; } = Activity.Current?.Context ?? default;

        public Task<TResult> Task => _result.Task;

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public void TrySetCanceled()
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                _result.TrySetCanceled();
            }
        }

        public void Complete(TResult result) => _result.TrySetResult(result);

        public void Fail(Exception e) => _result.TrySetException(e);
    }
}
