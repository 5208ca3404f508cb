using BookingFunctions.Database;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Bookings;

/// <summary>
/// Calls the database API functions, one method each. The app role may only EXECUTE them, so every
/// decision (locks, capacity, ownership) happens inside PostgreSQL; this class only passes arguments.
/// <c>guestId</c> null means "staff: any booking".
/// </summary>
public sealed class BookingStore(NpgsqlDataSource dataSource, BookingBatcher batcher, AvailabilityBatcher availability,
    IOptions<BookingOptions> options, TimeProvider time)
{
    private static readonly string AssignItemSql = EmbeddedSql.Read("sql/queries/assign_item.sql");
    private static readonly string ConfirmSql = EmbeddedSql.Read("sql/queries/confirm_booking.sql");
    private static readonly string CancelSql = EmbeddedSql.Read("sql/queries/cancel_booking.sql");
    private static readonly string GetSql = EmbeddedSql.Read("sql/queries/get_booking.sql");
    private static readonly string ListSql = EmbeddedSql.Read("sql/queries/list_guest_bookings.sql");

    /// <summary>
    /// Creates (or, for a replayed idempotency key, finds) the booking and returns it: one database call, shared
    /// with the other requests of its batch (see <see cref="BookingBatcher"/>).
    /// </summary>
    public async Task<BookingResponse> CreateAsync(Guid accommodationId, string guestId, DateOnly checkIn, DateOnly checkOut, int guests,
        string? idempotencyKey, CancellationToken ct) =>
        await batcher.CreateAsync(new NewBooking(accommodationId, guestId, checkIn, checkOut, guests, idempotencyKey), ct);

    /// <summary>Rooms free for the whole stay: one statement, shared with the other questions of its batch.</summary>
    public Task<int> AvailabilityAsync(Guid accommodationId, DateOnly checkIn, DateOnly checkOut, CancellationToken ct) =>
        availability.AvailabilityAsync(new AvailabilityQuery(accommodationId, checkIn, checkOut), ct);

    public Task<Guid> AssignItemAsync(Guid bookingId, string? guestId, CancellationToken ct) =>
        ScalarAsync<Guid>(AssignItemSql, new { BookingId = bookingId, GuestId = guestId }, ct);

    public Task<string> ConfirmAsync(Guid bookingId, string? guestId, CancellationToken ct) =>
        ScalarAsync<string>(ConfirmSql, new { BookingId = bookingId, GuestId = guestId }, ct);

    public Task<string> CancelAsync(Guid bookingId, string? guestId, CancellationToken ct) =>
        ScalarAsync<string>(CancelSql, new { BookingId = bookingId, GuestId = guestId }, ct);

    public async Task<BookingResponse?> GetAsync(Guid bookingId, string? guestId, CancellationToken ct)
    {
        var row = await OnConnectionAsync((connection, token) => connection.QuerySingleOrDefaultAsync<BookingRow>(
            new CommandDefinition(GetSql, new { BookingId = bookingId, GuestId = guestId }, cancellationToken: token)), ct);
        return row is null ? null : BookingResponse.From(row);
    }

    /// <summary>Up to <paramref name="limit"/> of the guest's bookings, newest first, older than <paramref name="before"/> when given.</summary>
    internal async Task<List<(BookingResponse Booking, DateTime CreatedAtUtc)>> ListAsync(string guestId, int limit,
        (DateTime CreatedAtUtc, Guid Id)? before, CancellationToken ct)
    {
        var rows = await OnConnectionAsync(async (connection, token) => (await connection.QueryAsync<BookingRow>(new CommandDefinition(ListSql,
            new { GuestId = guestId, Limit = limit, BeforeCreatedAt = before?.CreatedAtUtc, BeforeId = before?.Id },
            cancellationToken: token))).ToList(), ct);
        return rows.Select(r => (BookingResponse.From(r), DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc))).ToList();
    }

    private Task<T> ScalarAsync<T>(string sql, object args, CancellationToken ct) =>
        OnConnectionAsync(async (connection, token) =>
            await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, args, cancellationToken: token))
                ?? throw new InvalidOperationException("The database function returned null."), ct);

    private Task<T> OnConnectionAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> call, CancellationToken ct) =>
        TransientRetry.OnConnectionAsync(dataSource, options.Value.TransientRetryAttempts, time, call, ct);
}
