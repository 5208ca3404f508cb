using System.Runtime.Versioning;
using BookingFunctions.Testing;
using Dapper;

namespace BookingFunctions.Api.Tests;

/// <summary>Test data written as superuser: what an operator's back office would have set up.</summary>
[UnsupportedOSPlatform("windows")]
internal static class Arrange
{
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>A stay starting <paramref name="daysAhead"/> days from now.</summary>
    public static (DateOnly CheckIn, DateOnly CheckOut) Stay(int daysAhead = 30, int nights = 2) =>
        (Today.AddDays(daysAhead), Today.AddDays(daysAhead + nights));

    public static async Task<Guid> AccommodationAsync(TestDatabase db, int? rooms, int items = 0, CancellationToken ct = default)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        var id = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
            "insert into booking.accommodations (name, total_inventory) values (@Name, @Rooms) returning id",
            new { Name = $"test {Guid.NewGuid():N}", Rooms = rooms }, cancellationToken: ct));
        for (var i = 1; i <= items; i++)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "insert into booking.accommodation_items (accommodation_id, label) values (@Id, @Label)",
                new { Id = id, Label = $"room {i:000}" }, cancellationToken: ct));
        }

        return id;
    }

    /// <summary>Books through the database function as another guest, bypassing HTTP (to fill rooms up).</summary>
    public static async Task<Guid> BookingAsync(TestDatabase db, Guid accommodationId, DateOnly checkIn, DateOnly checkOut,
        string? guest = null, CancellationToken ct = default)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
            "select create_booking_with_atomic_lock(@AccommodationId, @Guest, @CheckIn, @CheckOut)",
            new { AccommodationId = accommodationId, Guest = guest ?? TestTokens.NewGuest(), CheckIn = checkIn, CheckOut = checkOut },
            cancellationToken: ct));
    }

    public static async Task<int> BookingCountAsync(TestDatabase db, Guid accommodationId, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from booking.bookings where accommodation_id = @accommodationId", new { accommodationId }, cancellationToken: ct));
    }

    public static async Task<int> TotalBookingCountAsync(TestDatabase db, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition("select count(*) from booking.bookings", cancellationToken: ct));
    }

    public static async Task<string> StatusAsync(TestDatabase db, Guid bookingId, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select status::text from booking.bookings where id = @bookingId", new { bookingId }, cancellationToken: ct)) ?? "missing";
    }

    public static async Task ExpireHoldAsync(TestDatabase db, Guid bookingId, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "update booking.bookings set hold_expires_at = now() - interval '1 minute' where id = @bookingId", new { bookingId },
            cancellationToken: ct));
    }

    public static async Task<string> NameAsync(TestDatabase db, Guid accommodationId, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select name from booking.accommodations where id = @accommodationId", new { accommodationId }, cancellationToken: ct)) ?? "missing";
    }

    /// <summary>
    /// Moves a booking's making (and its group's) into the past, as if its Idempotency-Key had been used that long ago:
    /// the replay window is judged from created_at.
    /// </summary>
    public static async Task AgeAsync(TestDatabase db, Guid bookingId, TimeSpan age, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            update booking.booking_groups set created_at = created_at - @age
             where id = (select group_id from booking.bookings where id = @bookingId);
            update booking.bookings set created_at = created_at - @age
             where id = @bookingId or group_id = (select group_id from booking.bookings where id = @bookingId);
            """, new { bookingId, age }, cancellationToken: ct));
    }

    /// <summary>Rows of the audit; empty when every invariant holds.</summary>
    public static async Task<IReadOnlyList<string>> DoubleBookingsAsync(TestDatabase db, CancellationToken ct)
    {
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(
            "select issue || ' ' || accommodation_id || ' ' || coalesce(night::text, '') from check_for_double_bookings()",
            cancellationToken: ct))).ToList();
    }
}
