using BookingFunctions.Database;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Bookings;

/// <summary>
/// Calls the database API functions, one method each. The app role may only EXECUTE them, so every
/// decision (locks, capacity, ownership) happens inside PostgreSQL; this class only passes arguments.
/// <c>guestId</c> null means "staff: any booking". Decisions go to <paramref name="dataSource"/> (the primary);
/// booking reads to <paramref name="reads"/>, a hot standby when one is configured.
/// </summary>
public sealed class BookingStore(NpgsqlDataSource dataSource, [FromKeyedServices(BookingDataSource.ReadsKey)] NpgsqlDataSource reads,
    BookingBatcher batcher, AvailabilityBatcher availability, IOptions<BookingOptions> options, TimeProvider time)
{
    private static readonly string AssignItemSql = EmbeddedSql.Read("sql/queries/assign_item.sql");
    private static readonly string ConfirmSql = EmbeddedSql.Read("sql/queries/confirm_booking.sql");
    private static readonly string CancelSql = EmbeddedSql.Read("sql/queries/cancel_booking.sql");
    private static readonly string GetSql = EmbeddedSql.Read("sql/queries/get_booking.sql");

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

    /// <summary>
    /// The booking as the read data source has it. A replica that has not replayed a new booking yet would answer
    /// 404 to the guest who just made it, so a miss there is asked again on the primary (a miss is rare: it is
    /// someone else's id, or a booking younger than the replay delay).
    /// </summary>
    public async Task<BookingResponse?> GetAsync(Guid bookingId, string? guestId, CancellationToken ct)
    {
        var row = await GetRowAsync(reads, bookingId, guestId, ct);
        if (row is null && !ReferenceEquals(reads, dataSource))
        {
            row = await GetRowAsync(dataSource, bookingId, guestId, ct);
        }

        return row is null ? null : BookingResponse.From(row);
    }

    private Task<BookingRow?> GetRowAsync(NpgsqlDataSource source, Guid bookingId, string? guestId, CancellationToken ct) =>
        OnConnectionAsync(source, (connection, token) => connection.QuerySingleOrDefaultAsync<BookingRow>(
            new CommandDefinition(GetSql, new { BookingId = bookingId, GuestId = guestId }, cancellationToken: token)), ct);

    private Task<T> ScalarAsync<T>(string sql, object args, CancellationToken ct) =>
        OnConnectionAsync(dataSource, async (connection, token) =>
            await connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, args, cancellationToken: token))
                ?? throw new InvalidOperationException("The database function returned null."), ct);

    private Task<T> OnConnectionAsync<T>(NpgsqlDataSource source, Func<NpgsqlConnection, CancellationToken, Task<T>> call, CancellationToken ct) =>
        TransientRetry.OnConnectionAsync(source, options.Value.TransientRetryAttempts, time, call, ct);
}
