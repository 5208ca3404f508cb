using BookingFunctions.Testing;
using Xunit;

namespace BookingFunctions.Database.Tests;

public sealed class HoldLifecycleTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly TimeSpan ShortHold = TimeSpan.FromMilliseconds(300);
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task An_expired_hold_stops_counting_and_is_released_by_the_next_booker()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct);
        var night = Booking.Night(50);
        var hold = await Booking.CreateAsync(_db.App, hotel, "slow-payer", night, night.AddDays(2), ct, holdTtl: TimeSpan.FromHours(1));
        Assert.Equal(0, await Booking.AvailabilityAsync(_db.App, hotel, night, night.AddDays(2), ct));

        // Act: the hold's time runs out. Moved, not waited for: a 300 ms hold used to expire before the first
        // availability call on a loaded machine (HoldClockTests let real holds run out, polling the database clock).
        await using (var expire = _db.Admin.CreateCommand("update booking.bookings set hold_expires_at = clock_timestamp() - interval '1 second' where id = $1"))
        {
            expire.Parameters.AddWithValue(hold);
            await expire.ExecuteNonQueryAsync(ct);
        }

        var availableAfterExpiry = await Booking.AvailabilityAsync(_db.App, hotel, night, night.AddDays(2), ct);
        var next = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, hotel, "next", night.AddDays(1), night.AddDays(2), ct));

        // Assert
        Assert.Equal(1, availableAfterExpiry);
        Assert.Null(next);
        Assert.Equal("expired", await StatusAsync(hold, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Expire_stale_holds_releases_every_stale_hold_and_leaves_live_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 5, ct);
        var night = Booking.Night(51);
        var stale = await Booking.CreateAsync(_db.App, hotel, "stale", night, night.AddDays(3), ct, holdTtl: ShortHold);
        var live = await Booking.CreateAsync(_db.App, hotel, "live", night, night.AddDays(3), ct);

        // Act
        await Task.Delay(ShortHold * 2, ct);
        var expired = await Booking.ExpireStaleHoldsAsync(_db.App, ct);

        // Assert
        Assert.True(expired >= 1);
        Assert.Equal("expired", await StatusAsync(stale, ct));
        Assert.Equal("pending", await StatusAsync(live, ct));
        Assert.Equal(4, await Booking.AvailabilityAsync(_db.App, hotel, night, night.AddDays(3), ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Cancelling_gives_the_nights_back_at_once_and_twice_is_harmless()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct);
        var night = Booking.Night(52);
        var booking = await Booking.CreateAsync(_db.App, hotel, "guest", night, night.AddDays(2), ct, status: "confirmed");

        // Act
        var first = await Booking.LifecycleAsync(_db.App, "cancel", booking, ct);
        var second = await Booking.LifecycleAsync(_db.App, "cancel", booking, ct);
        var rebooked = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, hotel, "other", night, night.AddDays(2), ct));

        // Assert
        Assert.Equal("cancelled", first);
        Assert.Equal("cancelled", second);
        Assert.Null(rebooked);
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Confirming_a_live_hold_works_and_an_expired_one_is_refused_with_its_own_sqlstate_once_its_room_is_taken()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct);
        var night = Booking.Night(53);
        var live = await Booking.CreateAsync(_db.App, hotel, "payer", night, night.AddDays(1), ct);
        var late = await Booking.CreateAsync(_db.App, hotel, "late-payer", night, night.AddDays(1), ct, holdTtl: ShortHold);
        await Task.Delay(ShortHold * 2, ct);

        // Act
        var confirmed = await Booking.LifecycleAsync(_db.App, "confirm", live, ct);
        var again = await Booking.LifecycleAsync(_db.App, "confirm", live, ct);
        await Booking.CreateAsync(_db.App, hotel, "next-guest", night, night.AddDays(1), ct); // releases the late hold, takes its room
        var refused = await Booking.SqlStateOf(() => Booking.LifecycleAsync(_db.App, "confirm", late, ct));
        var unknown = await Booking.SqlStateOf(() => Booking.LifecycleAsync(_db.App, "confirm", Guid.NewGuid(), ct));

        // Assert
        Assert.Equal("confirmed", confirmed);
        Assert.Equal("confirmed", again);
        Assert.Equal(SqlState.HoldExpired, refused);
        Assert.Equal("expired", await Inventory.StatusAsync(_db.Admin, late, ct));
        Assert.Equal(SqlState.BookingNotFound, unknown);
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task A_cancelled_booking_cannot_be_confirmed()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct);
        var night = Booking.Night(54);
        var booking = await Booking.CreateAsync(_db.App, hotel, "g", night, night.AddDays(1), ct);
        await Booking.LifecycleAsync(_db.App, "cancel", booking, ct);

        // Act
        var state = await Booking.SqlStateOf(() => Booking.LifecycleAsync(_db.App, "confirm", booking, ct));

        // Assert
        Assert.Equal(SqlState.InvalidState, state);
    }

    [Fact]
    public async Task Concurrent_confirm_and_expiry_of_one_hold_end_in_exactly_one_consistent_state()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct);
        var night = Booking.Night(55);
        var outcomes = new List<string>();
        for (var round = 0; round < 20; round++)
        {
            var hold = await Booking.CreateAsync(_db.App, hotel, $"r{round}", night, night.AddDays(1), ct, holdTtl: TimeSpan.FromMilliseconds(150));
            await Task.Delay(140, ct);

            // Act: confirm races the expiry boundary and a concurrent releaser
            await Task.WhenAll(
                Booking.SqlStateOf(() => Booking.LifecycleAsync(_db.App, "confirm", hold, ct)),
                Booking.SqlStateOf(async () => { await Task.Delay(15, ct); await Booking.ExpireStaleHoldsAsync(_db.App, ct); }));
            var status = await StatusAsync(hold, ct);
            outcomes.Add(status);
            if (status == "confirmed")
            {
                await Booking.LifecycleAsync(_db.App, "cancel", hold, ct);
            }
            else
            {
                await Booking.ExpireStaleHoldsAsync(_db.App, ct);
            }

            // Assert
            Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
        }

        Assert.All(outcomes, s => Assert.True(s is "confirmed" or "expired" or "pending", s));
    }

    private async Task<string> StatusAsync(Guid booking, CancellationToken ct)
    {
        await using var cmd = _db.Admin.CreateCommand("select status::text from booking.bookings where id = $1");
        cmd.Parameters.AddWithValue(booking);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
