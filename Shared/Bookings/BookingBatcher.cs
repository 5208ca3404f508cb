using System.Threading.Channels;
using BookingFunctions.Database;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Bookings;

/// <summary>
/// Coalesces the booking requests that arrive while earlier ones are in the database into one
/// create_bookings call (one transaction, one commit). Measured (bench W1): a booking's cost is mostly the
/// fixed per-statement and per-commit work, so under load a batch of 16 costs little more than one booking.
/// No timer: a request waits only while all <see cref="BookingOptions.ConcurrentBatches"/> calls are busy,
/// so a lone request goes straight through. Inventory is still decided inside PostgreSQL, under the night
/// row locks; each request gets its own booking or its own error (a refused request never fails its batch).
/// </summary>
public sealed partial class BookingBatcher : IAsyncDisposable
{
    private static readonly string CreateManySql = EmbeddedSql.Read("sql/queries/create_bookings.sql");
    private static readonly string CreateOneSql = EmbeddedSql.Read("sql/queries/create_booking.sql");

    private readonly NpgsqlDataSource _dataSource;
    private readonly BookingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BookingBatcher> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _workers;
    private long _batches;
    private long _requests;

    public BookingBatcher(NpgsqlDataSource dataSource, IOptions<BookingOptions> options, TimeProvider time, ILogger<BookingBatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _workers = Enumerable.Range(0, _options.ConcurrentBatches).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    /// <summary>create_bookings calls sent so far (a batch split after an unexpected error counts once per call).</summary>
    public long BatchesSent => Interlocked.Read(ref _batches);

    /// <summary>Requests those calls carried: RequestsSent / BatchesSent is the mean batch size.</summary>
    public long RequestsSent => Interlocked.Read(ref _requests);

    /// <summary>Books (or replays) one request; throws the request's own PostgresException when it is refused.</summary>
    internal Task<BookingRow> CreateAsync(NewBooking request, CancellationToken ct)
    {
        var pending = new Pending(request);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(BookingBatcher), "The app is shutting down.");
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

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_options.MaxBatchSize);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && _queue.Reader.TryRead(out var pending))
            {
                if (pending.TryClaim())
                {
                    batch.Add(pending);
                }
            }
            if (batch.Count > 0)
            {
                await SendAsync(batch);
            }
        }
    }

    private async Task SendAsync(List<Pending> batch)
    {
        if (batch.Count == 1)
        {
            await SendAloneAsync(batch[0]);
            return;
        }
        try
        {
            var outcomes = await TransientRetry.RunAsync(_options.TransientRetryAttempts, _time, token => CallAsync(batch, token),
                CancellationToken.None);
            foreach (var (outcome, row) in outcomes)
            {
                var pending = batch[outcome.Ordinal - 1];
                if (outcome.ErrorCode is null && row is not null)
                {
                    pending.Complete(row);
                }
                else
                {
                    pending.Fail(new PostgresException(outcome.ErrorMessage ?? "The booking was refused.", "ERROR", "ERROR",
                        outcome.ErrorCode ?? "BK009"));
                }
            }
            // one row per request is the function's contract; should one be missing, its caller must not hang
            foreach (var pending in batch)
            {
                pending.Fail(new InvalidOperationException("create_bookings returned no row for a request."));
            }
        }
        catch (PostgresException e) when (batch.Count > 1 && e.SqlState is not "55P03" && !Errors.DatabaseErrorMapper.IsUnavailable(e))
        {
            // Not a refusal (those come back as rows) and not "busy": an unexpected error of one request must
            // not fail the others, so each goes again on its own.
            LogBatchSplit(batch.Count, e.SqlState);
            foreach (var pending in batch)
            {
                await SendAloneAsync(pending);
            }
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
            {
                pending.Fail(e);
            }
        }
    }

    /// <summary>
    /// A request with no company takes the single-call path (create_booking_returning): for one request it
    /// runs fewer statements than a batch; its refusal is its own PostgresException either way.
    /// </summary>
    private async Task SendAloneAsync(Pending pending)
    {
        try
        {
            var request = pending.Request;
            var row = await TransientRetry.RunAsync(_options.TransientRetryAttempts, _time, async token =>
            {
                await using var connection = await _dataSource.OpenConnectionAsync(token);
                Interlocked.Increment(ref _batches);
                Interlocked.Increment(ref _requests);
                return await connection.QuerySingleAsync<BookingRow>(new CommandDefinition(CreateOneSql, new
                {
                    request.AccommodationId,
                    request.GuestId,
                    request.CheckIn,
                    request.CheckOut,
                    request.Guests,
                    _options.HoldTtl,
                    request.IdempotencyKey,
                }, cancellationToken: token));
            }, CancellationToken.None);
            pending.Complete(row);
        }
        catch (Exception e)
        {
            pending.Fail(e);
        }
    }

    private async Task<List<(BatchOutcome Outcome, BookingRow? Row)>> CallAsync(List<Pending> batch, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _requests, batch.Count);
        var rows = await connection.QueryAsync<BatchOutcome, BookingRow, (BatchOutcome, BookingRow?)>(
            new CommandDefinition(CreateManySql, new
            {
                AccommodationIds = batch.Select(p => p.Request.AccommodationId).ToArray(),
                GuestIds = batch.Select(p => p.Request.GuestId).ToArray(),
                CheckIns = batch.Select(p => p.Request.CheckIn).ToArray(),
                CheckOuts = batch.Select(p => p.Request.CheckOut).ToArray(),
                Guests = batch.Select(p => p.Request.Guests).ToArray(),
                IdempotencyKeys = batch.Select(p => p.Request.IdempotencyKey).ToArray(),
                _options.HoldTtl,
            }, cancellationToken: ct),
            static (outcome, row) => (outcome, row),
            splitOn: "Id");
        return rows.ToList();
    }

    public async ValueTask DisposeAsync()
    {
        // Requests already queued are still sent; new ones are refused.
        _queue.Writer.TryComplete();
        await Task.WhenAll(_workers);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} bookings failed with {SqlState}; sending each request on its own.")]
    private partial void LogBatchSplit(int count, string sqlState);

    /// <summary>A queued request. Claimed by a batch or cancelled by its caller, never both.</summary>
    private sealed class Pending(NewBooking request)
    {
        private readonly TaskCompletionSource<BookingRow> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _state; // 0 queued, 1 claimed by a batch, 2 cancelled

        public NewBooking Request { get; } = request;
        public Task<BookingRow> Task => _result.Task;

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public void TrySetCanceled()
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                _result.TrySetCanceled();
            }
        }

        public void Complete(BookingRow row) => _result.TrySetResult(row);

        public void Fail(Exception e) => _result.TrySetException(e);
    }
}
