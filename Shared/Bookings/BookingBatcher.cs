using BookingFunctions.Database;
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
/// request never fails its batch). A lone request takes the single-call path.
/// </summary>
public sealed partial class BookingBatcher(NpgsqlDataSource dataSource, IOptions<BookingOptions> options, TimeProvider time,
    ILogger<BookingBatcher> logger)
    : RequestBatcher<NewBooking, BookingResponse>(options.Value.ConcurrentBatches, options.Value.MaxBatchSize)
{
    private static readonly string CreateManySql = EmbeddedSql.Read("sql/queries/create_bookings.sql");
    private static readonly string CreateOneSql = EmbeddedSql.Read("sql/queries/create_booking.sql");

    private readonly BookingOptions _options = options.Value;

    /// <summary>Books (or replays) one request; throws the request's own PostgresException when it is refused.</summary>
    public Task<BookingResponse> CreateAsync(NewBooking request, CancellationToken ct) => EnqueueAsync(request, ct);

    protected override async Task SendAsync(IReadOnlyList<Pending> batch)
    {
        if (batch.Count == 1)
        {
            await SendAloneAsync(batch[0]);
            return;
        }
        try
        {
            var outcomes = await OnConnectionAsync((connection, token) => CallAsync(connection, batch, token));
            foreach (var (outcome, row) in outcomes)
            {
                var pending = batch[outcome.Ordinal - 1];
                if (outcome.ErrorCode is null && row is not null)
                {
                    pending.Complete(BookingResponse.From(row));
                }
                else
                {
                    pending.Fail(outcome.Refusal());
                }
            }
        }
        catch (PostgresException e) when (e.SqlState is not ("55P03" or "BK011") && !Errors.DatabaseErrorMapper.IsUnavailable(e))
        {
            // Not a refusal (those come back as rows), not "busy" and not a session every call would fail in (BK011):
            // an unexpected error of one request must not fail the others, so each goes again on its own.
            LogBatchSplit(batch.Count, e.SqlState);
            foreach (var pending in batch)
            {
                await SendAloneAsync(pending);
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
            var row = await OnConnectionAsync((connection, token) => connection.QuerySingleAsync<BookingRow>(
                new CommandDefinition(CreateOneSql, new
                {
                    request.AccommodationId,
                    request.GuestId,
                    request.CheckIn,
                    request.CheckOut,
                    request.Guests,
                    _options.HoldTtl,
                    request.IdempotencyKey,
                }, cancellationToken: token)));
            pending.Complete(BookingResponse.From(row));
        }
        catch (Exception e)
        {
            pending.Fail(e);
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

    private Task<T> OnConnectionAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> call) =>
        TransientRetry.OnConnectionAsync(dataSource, _options.TransientRetryAttempts, time, call, CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} bookings failed with {SqlState}; sending each request on its own.")]
    private partial void LogBatchSplit(int count, string sqlState);
}
