using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

/// <summary>
/// Bookings carry no foreign key to their accommodation (migration 202611250004 says why); the guarantee
/// rests on accommodations never disappearing, which even the superuser cannot undo by accident.
/// </summary>
public sealed class AccommodationGuardTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task An_accommodation_with_bookings_can_be_neither_deleted_nor_truncated_and_its_bookings_stay()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct);
        var booking = await Booking.CreateAsync(_db.App, hotel, "guest-guard", Booking.Night(40), Booking.Night(42), ct);

        // Act
        var deleted = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync($"delete from booking.accommodations where id = '{hotel}'", ct));
        var truncated = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync("truncate booking.accommodations cascade", ct));

        // Assert
        Assert.Equal(("BK010", "BK010"), (deleted.SqlState, truncated.SqlState));
        Assert.Equal(1, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings b join booking.accommodations a on a.id = b.accommodation_id where b.id = '{booking}'", ct));
    }

    [Fact]
    public async Task A_booking_of_an_unknown_accommodation_is_refused_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var unknown = Guid.NewGuid();

        // Act
        var single = await Assert.ThrowsAsync<PostgresException>(() =>
            Booking.CreateAsync(_db.App, unknown, "guest-nowhere", Booking.Night(40), Booking.Night(41), ct));

        // Assert
        Assert.Equal("BK002", single.SqlState);
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where accommodation_id = '{unknown}'", ct));
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var command = _db.Admin.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(ct);
    }
}
