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
/// request never fails its batch, nor does a backend lost mid-call: see ResendAfterCutOffAsync). A request may be a
/// group of rooms (all or none, issue 13): it is one request of its batch, its rooms flattened into the call's arrays
/// under one group number and its answers gathered again; a batch carries at most MaxBatchSize rooms. A lone request
/// takes the single-call path (create_booking_returning, or create_booking_group for a group).
/// </summary>
public sealed partial class BookingBatcher(DatabaseCalls database, IOptions<BookingOptions> options, ILogger<BookingBatcher> logger,
    TimeProvider? time = null)
    : RequestBatcher<BookingOrder, BookedRooms>(options.Value.ConcurrentBatches, options.Value.MaxBatchSize)
{
    private static readonly string CreateManySql = EmbeddedSql.Read("sql/queries/create_bookings.sql");
    private static readonly string CreateOneSql = EmbeddedSql.Read("sql/queries/create_booking.sql");
    private static readonly string CreateGroupSql = EmbeddedSql.Read("sql/queries/create_booking_group.sql");

    /// <summary>create_bookings' answer "send this request alone" (see 202611300504_booking_paths_inventory.sql).</summary>
    internal const string SendAloneCode = "BKR02";

    private readonly BookingOptions _options = options.Value;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Books (or replays) one room; throws the request's own PostgresException when it is refused.</summary>
    public async Task<BookingResponse> CreateAsync(NewBooking request, CancellationToken ct) =>
        (await BookAsync(BookingOrder.One(request), ct)).Bookings[0];

    /// <summary>
    /// Books (or replays) one order, a single room or a group; throws the order's own PostgresException when it is
    /// refused (a group's refusal is its first refused room's, naming the room type).
    /// </summary>
    public Task<BookedRooms> BookAsync(BookingOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        return EnqueueAsync(order, ct);
    }

    protected override int SizeOf(BookingOrder request) => request.Rooms.Count;

    protected override async Task SendAsync(IReadOnlyList<Pending> batch)
    {
        BookingMetrics.BatchSent("booking", batch.Count);
        var (originals, twins) = Twins(batch);
        try
        {
            await SendOriginalsAsync(originals);
        }
        finally
        {
            AnswerTwins(twins);
        }
    }

    /// <summary>
    /// The same order sent again with its Idempotency-Key while the first is still in this batch (a client retrying
    /// before its first answer came): only the first goes to the database, the others get its answer as a replay. Two
    /// copies of one key in one call would otherwise be told apart by arrival order alone, and a group's copy would find
    /// its group's row before its bookings. Orders that share a key but differ go as they are (the database refuses
    /// the second with BK007).
    /// </summary>
    private static (List<Pending> Originals, List<(Pending Twin, Pending Original)> Twins) Twins(IReadOnlyList<Pending> batch)
    {
        var originals = new List<Pending>(batch.Count);
        var twins = new List<(Pending, Pending)>();
        foreach (var pending in batch)
        {
            var order = pending.Request;
            var original = order.IdempotencyKey is null ? null : originals.FirstOrDefault(o =>
                o.Request.IdempotencyKey == order.IdempotencyKey && o.Request.GuestId == order.GuestId && o.Request.IsGroup == order.IsGroup
                && o.Request.Rooms.SequenceEqual(order.Rooms));
            if (original is null)
            {
                originals.Add(pending);
            }
            else
            {
                twins.Add((pending, original));
            }
        }

        return (originals, twins);
    }

    private static void AnswerTwins(List<(Pending Twin, Pending Original)> twins)
    {
        foreach (var (twin, original) in twins)
        {
            if (original.Task.IsCompletedSuccessfully)
            {
                twin.Complete(original.Task.Result with { Replayed = true });
            }
            else if (original.Task.Exception?.InnerException is { } failure)
            {
                twin.Fail(failure);
            }
        }
    }

    private async Task SendOriginalsAsync(List<Pending> batch)
    {
        if (batch.Count == 1)
        {
            await SendAloneAsync(batch[0]);
            return;
        }

        List<Pending>? alone = null;
        try
        {
            var rows = await database.RunAsync(DatabaseFunctions.CreateBookings, (connection, token) => CallAsync(connection, batch, token),
                batch.Select(p => p.Caller).ToList(), CancellationToken.None);
            foreach (var (pending, answers) in Regroup(batch, rows))
            {
                if (answers.Select(a => a.Outcome).FirstOrDefault(o => o.ErrorCode is not null) is { } refused)
                {
                    // a group's refusal is every member's: the first one is the group's answer
                    if (refused.ErrorCode == SendAloneCode)
                    {
                        (alone ??= []).Add(pending);
                    }
                    else
                    {
                        pending.Fail(refused.Refusal());
                    }
                }
                else if (answers.Count == pending.Request.Rooms.Count && answers.All(a => a.Row is not null))
                {
                    pending.Complete(Booked(answers.Select(a => a.Row!).ToList()));
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
    /// book twice — always with an Idempotency-Key (a replay returns the first booking, or the first group), and
    /// without one only when the server itself reported that it ended the session, which rolled the batch's
    /// transaction back. A keyless request whose batch may have committed gets the failure (503) and its client
    /// decides. Once the server turns out to be unreachable, the rest fail at once instead of each waiting for its
    /// own connection attempt.
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
    /// A request with no company takes the single-call path: create_booking_returning for one room (fewer statements
    /// than a batch), create_booking_group for a group. Its refusal is its own PostgresException either way.
    /// </summary>
    /// <returns>The failure the request got, or null when it was answered with its bookings.</returns>
    private async Task<Exception?> SendAloneAsync(Pending pending)
    {
        try
        {
            var order = pending.Request;
            if (order.IsGroup)
            {
                var rows = await database.RunAsync(DatabaseFunctions.CreateBookingGroup, async (connection, token) => (await connection.QueryAsync<BookingRow>(
                    new CommandDefinition(CreateGroupSql, new
                    {
                        order.GuestId,
                        AccommodationIds = order.Rooms.Select(r => r.AccommodationId).ToArray(),
                        CheckIns = order.Rooms.Select(r => r.CheckIn).ToArray(),
                        CheckOuts = order.Rooms.Select(r => r.CheckOut).ToArray(),
                        Guests = order.Rooms.Select(r => r.Guests).ToArray(),
                        order.IdempotencyKey,
                        _options.HoldTtl,
                    }, cancellationToken: token))).ToList(), [pending.Caller], CancellationToken.None);
                pending.Complete(Booked(rows));
                return null;
            }

            var room = order.Rooms[0];
            var row = await database.RunAsync(DatabaseFunctions.CreateBooking, (connection, token) => connection.QuerySingleAsync<BookingRow>(
                new CommandDefinition(CreateOneSql, new
                {
                    room.AccommodationId,
                    order.GuestId,
                    room.CheckIn,
                    room.CheckOut,
                    room.Guests,
                    _options.HoldTtl,
                    order.IdempotencyKey,
                }, cancellationToken: token)), [pending.Caller], CancellationToken.None);
            pending.Complete(Booked([row]));
            return null;
        }
        catch (Exception e)
        {
            pending.Fail(e);
            return e;
        }
    }

    private BookedRooms Booked(List<BookingRow> rows) =>
        new(rows[0].GroupId, rows.Select(Shown).ToList(), rows.Any(r => r.Replayed));

    /// <summary>
    /// A replayed row as get_booking shows it: create_bookings answers the stored status, so a hold that ran out and was
    /// not released yet (on an unlimited room type no booker releases stale holds: it keeps no night rows) still says pending there, while
    /// create_booking_returning (through get_booking) says expired.
    /// </summary>
    private BookingResponse Shown(BookingRow row)
    {
        var booking = BookingResponse.From(row);
        return row.Replayed && booking.Status == "pending" && booking.HoldExpiresAt <= _time.GetUtcNow()
            ? booking with { Status = "expired" }
            : booking;
    }

    /// <summary>Each request of the batch with the answers to its rooms, in room order (the call answers per room).</summary>
    private static IEnumerable<(Pending Pending, List<(BatchOutcome Outcome, BookingRow? Row)> Answers)> Regroup(
        IReadOnlyList<Pending> batch, IReadOnlyList<(BatchOutcome Outcome, BookingRow? Row)> rows)
    {
        var owner = new List<int>();
        for (var i = 0; i < batch.Count; i++)
        {
            owner.AddRange(Enumerable.Repeat(i, batch[i].Request.Rooms.Count));
        }

        var answers = batch.Select(p => new List<(BatchOutcome, BookingRow?)>(p.Request.Rooms.Count)).ToList();
        foreach (var row in rows.OrderBy(r => r.Outcome.Ordinal))
        {
            answers[owner[row.Outcome.Ordinal - 1]].Add(row);
        }

        return batch.Select((pending, i) => (pending, answers[i]));
    }

    private async Task<List<(BatchOutcome Outcome, BookingRow? Row)>> CallAsync(NpgsqlConnection connection,
        IReadOnlyList<Pending> batch, CancellationToken ct)
    {
        var rooms = batch.SelectMany((p, i) => p.Request.Rooms.Select(room => (Order: p.Request, Room: room, Number: i + 1))).ToList();
        var rows = await connection.QueryAsync<BatchOutcome, BookingRow, (BatchOutcome, BookingRow?)>(
            new CommandDefinition(CreateManySql, new
            {
                AccommodationIds = rooms.Select(r => r.Room.AccommodationId).ToArray(),
                GuestIds = rooms.Select(r => r.Order.GuestId).ToArray(),
                CheckIns = rooms.Select(r => r.Room.CheckIn).ToArray(),
                CheckOuts = rooms.Select(r => r.Room.CheckOut).ToArray(),
                Guests = rooms.Select(r => r.Room.Guests).ToArray(),
                IdempotencyKeys = rooms.Select(r => r.Order.IdempotencyKey).ToArray(),
                _options.HoldTtl,
                // a group's rooms share its number in the batch; a booking on its own has none (no groups: null, the
                // function's cheaper path)
                Groups = batch.Any(p => p.Request.IsGroup)
                    ? rooms.Select(r => r.Order.IsGroup ? r.Number : (int?)null).ToArray()
                    : null,
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
