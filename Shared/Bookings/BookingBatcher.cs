using BookingFunctions.Database;
using BookingFunctions.Telemetry;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Bookings;

/// <summary>
/// Books the create requests of this instance that arrive together in one create_bookings call (one
/// transaction, one commit). Measured (bench W1): a booking's cost is mostly the fixed per-statement and
/// per-commit work, so under load a batch of 16 costs little more than one booking. Inventory is still decided
/// inside PostgreSQL, under the night row locks; each request gets its own booking or its own error (a refused
/// request never fails its batch, nor does a backend lost mid-call: see ResendAfterCutOffAsync). A lone request takes
/// the single-call path.
/// </summary>
public sealed partial class BookingBatcher(DatabaseCalls database, IOptions<BookingOptions> options, ILogger<BookingBatcher> logger)
    : RequestBatcher<NewBooking, BookingResponse>(options.Value.ConcurrentBatches, options.Value.MaxBatchSize)
{
    private static readonly string CreateManySql = EmbeddedSql.Read("sql/queries/create_bookings.sql");
    private static readonly string CreateOneSql = EmbeddedSql.Read("sql/queries/create_booking.sql");

    /// <summary>create_bookings' answer "send this request alone" (see 202611300504_booking_paths_inventory.sql).</summary>
    internal const string SendAloneCode = "BKR02";

    private readonly BookingOptions _options = options.Value;

    /// <summary>Books (or replays) one request; throws the request's own PostgresException when it is refused.</summary>
    public Task<BookingResponse> CreateAsync(NewBooking request, CancellationToken ct) => EnqueueAsync(request, ct);

    protected override async Task SendAsync(IReadOnlyList<Pending> batch)
    {
        BookingMetrics.BatchSent("booking", batch.Count);
        if (batch.Count == 1)
        {
            await SendAloneAsync(batch[0]);
            return;
        }

        List<Pending>? alone = null;
        try
        {
            var outcomes = await database.RunAsync(DatabaseFunctions.CreateBookings, (connection, token) => CallAsync(connection, batch, token),
                batch.Select(p => p.Caller).ToList(), CancellationToken.None);
            foreach (var (outcome, row) in outcomes)
            {
                var pending = batch[outcome.Ordinal - 1];
                if (outcome.ErrorCode is null && row is not null)
                {
                    pending.Complete(BookingResponse.From(row));
                }
                else if (outcome.ErrorCode == SendAloneCode)
                {
                    (alone ??= []).Add(pending);
                }
                else
                {
                    pending.Fail(outcome.Refusal());
                }
            }
        }
        catch (Exception e) when (e is PostgresException { SqlState: not ("55P03" or "BK011") } && !Errors.DatabaseErrorMapper.IsUnavailable(e)
                                  || e is System.Text.EncoderFallbackException)
        {
            // Not a refusal (those come back as rows), not "busy", not a session every call would fail in (BK011), and
            // not the server going away: an unexpected error of one request (a value it cannot take) must not fail the
            // others, so each goes again on its own.
            LogBatchSplit(batch.Count, (e as PostgresException)?.SqlState ?? e.GetType().Name);
            foreach (var pending in batch)
            {
                await SendAloneAsync(pending);
            }
            return;
        }
        catch (Exception e) when (BackendLoss.CutOff(e))
        {
            await ResendAfterCutOffAsync(batch, e);
            return;
        }

        if (alone is not null)
        {
            // A room of their accommodation retires on a future date: the booking must get its room when it is made,
            // on the single call's path, which locks the accommodation first (a batch holding night locks cannot).
            // One after the other: they queue on that accommodation's lock in the database anyway.
            LogSentAlone(alone.Count);
            foreach (var pending in alone)
            {
                await SendAloneAsync(pending);
            }
        }
    }

    /// <summary>
    /// The backend carrying the batch went away mid-call (terminated, crashed, connection broken). Its members did
    /// nothing wrong, and one lost backend used to fail all of them: each is sent again on its own where that cannot
    /// book twice — always with an Idempotency-Key (a replay returns the first booking), and without one only when the
    /// server itself reported that it ended the session, which rolled the batch's transaction back. A keyless request
    /// whose batch may have committed gets the failure (503) and its client decides. Once the server turns out to be
    /// unreachable, the rest fail at once instead of each waiting for its own connection attempt.
    /// </summary>
    private async Task ResendAfterCutOffAsync(IReadOnlyList<Pending> batch, Exception cutOff)
    {
        var resent = 0;
        Exception? unreachable = null;
        foreach (var pending in batch)
        {
            if (unreachable is not null || !(pending.Request.IdempotencyKey is not null || BackendLoss.RolledBack(cutOff)))
            {
                pending.Fail(unreachable ?? cutOff);
                continue;
            }

            resent++;
            if (await SendAloneAsync(pending) is { } failure && BackendLoss.Unreachable(failure))
            {
                unreachable = failure;
            }
        }

        LogBatchCutOff(batch.Count, (cutOff as PostgresException)?.SqlState ?? cutOff.GetType().Name, resent);
    }

    /// <summary>
    /// A request with no company takes the single-call path (create_booking_returning): for one request it
    /// runs fewer statements than a batch; its refusal is its own PostgresException either way.
    /// </summary>
    /// <returns>The failure the request got, or null when it was answered with a booking.</returns>
    private async Task<Exception?> SendAloneAsync(Pending pending)
    {
        try
        {
            var request = pending.Request;
            var row = await database.RunAsync(DatabaseFunctions.CreateBooking, (connection, token) => connection.QuerySingleAsync<BookingRow>(
                new CommandDefinition(CreateOneSql, new
                {
                    request.AccommodationId,
                    request.GuestId,
                    request.CheckIn,
                    request.CheckOut,
                    request.Guests,
                    _options.HoldTtl,
                    request.IdempotencyKey,
                }, cancellationToken: token)), [pending.Caller], CancellationToken.None);
            pending.Complete(BookingResponse.From(row));
            return null;
        }
        catch (Exception e)
        {
            pending.Fail(e);
            return e;
        }
    }

    private async Task<List<(BatchOutcome Outcome, BookingRow? Row)>> CallAsync(NpgsqlConnection connection,
        IReadOnlyList<Pending> batch, CancellationToken ct)
    {
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Count} request(s) of a batch go alone: a room of their accommodation retires on a future date.")]
    private partial void LogSentAlone(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} bookings failed with {SqlState}; sending each request on its own.")]
    private partial void LogBatchSplit(int count, string sqlState);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The backend carrying a batch of {Count} bookings went away ({Reason}); {Resent} sent again on their own.")]
    private partial void LogBatchCutOff(int count, string reason, int resent);
}
