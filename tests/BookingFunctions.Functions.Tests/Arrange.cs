using Dapper;

namespace BookingFunctions.Functions.Tests;

/// <summary>Test data written as superuser, as a back office would have set it up.</summary>
internal static class Arrange
{
    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public static (DateOnly CheckIn, DateOnly CheckOut) Stay(int daysAhead = 30, int nights = 2) =>
        (Today.AddDays(daysAhead), Today.AddDays(daysAhead + nights));

    public static async Task<Guid> AccommodationAsync(TestDatabase db, int? rooms, int items = 0)
    {
        var ct = TestContext.Current.CancellationToken;
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
    public static async Task<Guid> BookingAsync(TestDatabase db, Guid accommodationId, DateOnly checkIn, DateOnly checkOut)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
            "select create_booking_with_atomic_lock(@AccommodationId, @Guest, @CheckIn, @CheckOut)",
            new { AccommodationId = accommodationId, Guest = TestTokens.NewGuest(), CheckIn = checkIn, CheckOut = checkOut },
            cancellationToken: ct));
    }

    public static async Task<int> BookingCountAsync(TestDatabase db, Guid accommodationId)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from booking.bookings where accommodation_id = @accommodationId", new { accommodationId }, cancellationToken: ct));
    }

    /// <summary>A statement as superuser, behind the functions' back (to corrupt and repair data).</summary>
    public static async Task ExecuteAsync(TestDatabase db, string sql, object args)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: ct));
    }
}
