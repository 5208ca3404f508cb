using BookingFunctions.Database;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BookingFunctions.Bookings;

/// <summary>
/// Calls the database API functions, one method each. The app role may only EXECUTE them, so every
/// decision (locks, capacity, ownership) happens inside PostgreSQL; this class only passes arguments.
/// <c>guestId</c> null means "staff: any booking". Decisions go to <paramref name="database"/> (the primary);
/// booking reads to <paramref name="reads"/>, a hot standby when one is configured.
/// </summary>
public sealed class BookingStore(DatabaseCalls database, [FromKeyedServices(BookingDataSource.ReadsKey)] DatabaseCalls reads,
    BookingBatcher batcher, AvailabilityBatcher availability)
{
    private static readonly string AvailabilitySql = EmbeddedSql.Read("sql/queries/check_availability.sql");
    private static readonly string AssignItemSql = EmbeddedSql.Read("sql/queries/assign_item.sql");
    private static readonly string ConfirmSql = EmbeddedSql.Read("sql/queries/confirm_booking.sql");
    private static readonly string CancelSql = EmbeddedSql.Read("sql/queries/cancel_booking.sql");
    private static readonly string GetSql = EmbeddedSql.Read("sql/queries/get_booking.sql");
    private static readonly string ListSql = EmbeddedSql.Read("sql/queries/list_guest_bookings.sql");
    private static readonly string GetGroupSql = EmbeddedSql.Read("sql/queries/get_booking_group.sql");
    private static readonly string ConfirmGroupSql = EmbeddedSql.Read("sql/queries/confirm_booking_group.sql");
    private static readonly string CancelGroupSql = EmbeddedSql.Read("sql/queries/cancel_booking_group.sql");

    /// <summary>
    /// Creates (or, for a replayed idempotency key, finds) the booking or the group and returns it: one database call,
    /// shared with the other requests of its batch (see <see cref="BookingBatcher"/>).
    /// </summary>
    public Task<BookedRooms> BookAsync(BookingOrder order, CancellationToken ct) => batcher.BookAsync(order, ct);

    /// <summary>Rooms free for the whole stay: one statement, shared with the other questions of its batch.</summary>
    /// <remarks>
    /// A replica that has not replayed a new accommodation yet answers BK002: that one question is asked again on the
    /// primary, so a room type is never "unknown" to a guest just because the standby lags.
    /// </remarks>
    public async Task<int> AvailabilityAsync(Guid accommodationId, DateOnly checkIn, DateOnly checkOut, CancellationToken ct)
    {
        try
        {
            return await availability.AvailabilityAsync(new AvailabilityQuery(accommodationId, checkIn, checkOut), ct);
        }
        catch (PostgresException e) when (e.SqlState == "BK002" && !ReferenceEquals(reads.DataSource, database.DataSource))
        {
            return await database.RunAsync(DatabaseFunctions.CheckAvailability, (connection, token) => connection.ExecuteScalarAsync<int>(
                new CommandDefinition(AvailabilitySql, new { AccommodationId = accommodationId, CheckIn = checkIn, CheckOut = checkOut },
                    cancellationToken: token)), ct);
        }
    }

    public Task<Guid> AssignItemAsync(Guid bookingId, string? guestId, CancellationToken ct) =>
        ScalarAsync<Guid>(DatabaseFunctions.AssignItem, AssignItemSql, new { BookingId = bookingId, GuestId = guestId }, ct);

    /// <summary>The confirmed booking; <see cref="BookingResponse.LateConfirmation"/> says whether its hold had expired.</summary>
    public Task<BookingResponse> ConfirmAsync(Guid bookingId, string? guestId, CancellationToken ct) =>
        database.RunAsync(DatabaseFunctions.ConfirmBooking, async (connection, token) => BookingResponse.Confirmed(
            await connection.QuerySingleAsync<BookingRow>(new CommandDefinition(ConfirmSql, new { BookingId = bookingId, GuestId = guestId },
                cancellationToken: token))), ct);

    public Task<string> CancelAsync(Guid bookingId, string? guestId, CancellationToken ct) =>
        ScalarAsync<string>(DatabaseFunctions.CancelBooking, CancelSql, new { BookingId = bookingId, GuestId = guestId }, ct);

    /// <summary>
    /// The booking as the read data source has it. A replica that has not replayed a new booking yet would answer
    /// 404 to the guest who just made it, so a miss there is asked again on the primary (a miss is rare: it is
    /// someone else's id, or a booking younger than the replay delay).
    /// </summary>
    public async Task<BookingResponse?> GetAsync(Guid bookingId, string? guestId, CancellationToken ct)
    {
        var row = await GetRowAsync(reads, bookingId, guestId, ct);
        if (row is null && !ReferenceEquals(reads.DataSource, database.DataSource))
        {
            row = await GetRowAsync(database, bookingId, guestId, ct);
        }

        return row is null ? null : BookingResponse.From(row);
    }

    /// <summary>
    /// The group as the read data source has it; a miss there (BK006) is asked again on the primary, as for
    /// <see cref="GetAsync"/>. BK006 propagates when the group is not there or not the guest's.
    /// </summary>
    public async Task<BookingGroupResponse> GetGroupAsync(Guid groupId, string? guestId, CancellationToken ct)
    {
        try
        {
            return await GroupAsync(reads, DatabaseFunctions.GetBookingGroup, GetGroupSql, groupId, guestId, ct);
        }
        catch (PostgresException e) when (e.SqlState == "BK006" && !ReferenceEquals(reads.DataSource, database.DataSource))
        {
            return await GroupAsync(database, DatabaseFunctions.GetBookingGroup, GetGroupSql, groupId, guestId, ct);
        }
    }

    /// <summary>Confirms every booking of the group, all or none; each says whether its confirmation was late.</summary>
    public Task<BookingGroupResponse> ConfirmGroupAsync(Guid groupId, string? guestId, CancellationToken ct) =>
        GroupAsync(database, DatabaseFunctions.ConfirmBookingGroup, ConfirmGroupSql, groupId, guestId, ct, BookingResponse.Confirmed);

    public Task<BookingGroupResponse> CancelGroupAsync(Guid groupId, string? guestId, CancellationToken ct) =>
        GroupAsync(database, DatabaseFunctions.CancelBookingGroup, CancelGroupSql, groupId, guestId, ct);

    private static Task<BookingGroupResponse> GroupAsync(DatabaseCalls calls, string function, string sql, Guid groupId, string? guestId,
        CancellationToken ct, Func<BookingRow, BookingResponse>? shown = null) =>
        calls.RunAsync(function, async (connection, token) =>
        {
            var rows = (await connection.QueryAsync<BookingRow>(new CommandDefinition(sql, new { GroupId = groupId, GuestId = guestId },
                cancellationToken: token))).ToList();
            // the functions raise BK006 for a group that is not there; a group always has its bookings
            return new BookingGroupResponse(groupId, rows.Select(shown ?? BookingResponse.From).ToList());
        }, ct);

    private static Task<BookingRow?> GetRowAsync(DatabaseCalls calls, Guid bookingId, string? guestId, CancellationToken ct) =>
        calls.RunAsync(DatabaseFunctions.GetBooking, (connection, token) => connection.QuerySingleOrDefaultAsync<BookingRow>(
            new CommandDefinition(GetSql, new { BookingId = bookingId, GuestId = guestId }, cancellationToken: token)), ct);

    /// <summary>Up to <paramref name="limit"/> of the guest's bookings, newest first, older than <paramref name="before"/> when given.</summary>
    internal async Task<List<(BookingResponse Booking, DateTime CreatedAtUtc)>> ListAsync(string guestId, int limit,
        (DateTime CreatedAtUtc, Guid Id)? before, CancellationToken ct)
    {
        var rows = await reads.RunAsync(DatabaseFunctions.ListGuestBookings, async (connection, token) => (await connection.QueryAsync<BookingRow>(
            new CommandDefinition(ListSql, new { GuestId = guestId, Limit = limit, BeforeCreatedAt = before?.CreatedAtUtc, BeforeId = before?.Id },
                cancellationToken: token))).ToList(), ct);
        return rows.Select(r => (BookingResponse.From(r), DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc))).ToList();
    }

    private Task<T> ScalarAsync<T>(string function, string sql, object args, CancellationToken ct) =>
        database.RunAsync(function, async (connection, token) =>
            await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, args, cancellationToken: token))
                ?? throw new InvalidOperationException("The database function returned null."), ct);
}
