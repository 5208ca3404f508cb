using BookingFunctions.Testing;
using Xunit;

namespace BookingFunctions.Database.Tests;

public sealed class ItemAssignmentTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task One_hundred_concurrent_assignments_over_twenty_rooms_give_every_accepted_booking_its_own_room()
    {
        var ct = TestContext.Current.CancellationToken;
        // 20 rooms: the per-night counts accept at most 20 stays a night, and each accepted stay must get a room
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 20, ct, items: 20);
        var day1 = Booking.Night(60);
        var random = new Random(7);
        var bookings = new List<Guid>();
        for (var i = 0; bookings.Count < 100 && i < 1000; i++)
        {
            var checkIn = day1.AddDays(random.Next(12));
            var checkOut = checkIn.AddDays(1 + random.Next(4));
            if (await Booking.SqlStateOf(async () => bookings.Add(await Booking.CreateAsync(_db.App, hotel, $"g{i}", checkIn, checkOut, ct))) is { } refused)
            {
                Assert.Equal(SqlState.FullyBooked, refused);
            }
        }

        // Act
        var outcomes = await Race.RunAsync(_db.App, bookings.Count,
            i => Race.RetryingBusyAsync(() => Booking.AssignItemAsync(_db.App, bookings[i], ct), ct), ct);

        // Assert
        Assert.Equal(100, bookings.Count);
        Assert.All(outcomes, o => Assert.True(o.Value is not null, $"refused with {o.SqlState}"));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            $"""
            select count(*) from booking.bookings x join booking.bookings y
              on x.item_id = y.item_id and x.id < y.id and x.stay && y.stay
             where x.accommodation_id = '{hotel}'
            """, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task A_booking_beyond_the_rooms_of_an_unlimited_type_gets_no_free_item()
    {
        var ct = TestContext.Current.CancellationToken;
        // written around the staff API: unlimited sales with rooms, so more stays than rooms exist
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: null, ct, items: 2);
        var night = Booking.Night(62);
        var bookings = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            bookings.Add(await Booking.CreateAsync(_db.App, hotel, $"g{i}", night, night.AddDays(2), ct));
        }

        // Act
        var first = await Booking.AssignItemAsync(_db.App, bookings[0], ct);
        var second = await Booking.AssignItemAsync(_db.App, bookings[1], ct);
        var third = await Booking.SqlStateOf(() => Booking.AssignItemAsync(_db.App, bookings[2], ct));

        // Assert
        Assert.NotEqual(first, second);
        Assert.Equal(SqlState.NoFreeItem, third);
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            $"select count(*) from booking.bookings where accommodation_id = '{hotel}' and item_id is null and id <> '{bookings[2]}'", ct));
        Assert.Contains(await Inventory.AuditAsync(_db.App, ct), row => row.Issue == "night_over_rooms" && row.AccommodationId == hotel);
        foreach (var booking in bookings)
        {
            await Booking.LifecycleAsync(_db.App, "cancel", booking, ct); // the other tests of this class expect a clean audit
        }
    }

    [Fact]
    public async Task A_loser_of_the_race_gets_an_item_that_is_free_for_its_own_dates()
    {
        var ct = TestContext.Current.CancellationToken;
        // 2 items, 40 bookings in 20 disjoint pairs of nights: every booking fits, however the race goes
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: null, ct, items: 2);
        var day1 = Booking.Night(70);
        var bookings = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            var checkIn = day1.AddDays(i / 2);
            bookings.Add(await Booking.CreateAsync(_db.App, hotel, $"g{i}", checkIn, checkIn.AddDays(1), ct));
        }

        // Act
        var outcomes = await Race.RunAsync(_db.App, 40, i => Race.RetryingBusyAsync(() => Booking.AssignItemAsync(_db.App, bookings[i], ct), ct), ct);

        // Assert
        Assert.All(outcomes, o => Assert.Null(o.SqlState));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task An_item_used_in_september_can_be_given_to_a_july_booking()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct, items: 1);
        var year = Booking.Today.Year + 1;
        var september = await Booking.CreateAsync(_db.App, hotel, "autumn", new DateOnly(year, 9, 10), new DateOnly(year, 9, 14), ct);
        var july = await Booking.CreateAsync(_db.App, hotel, "summer", new DateOnly(year, 7, 1), new DateOnly(year, 7, 5), ct);

        // Act
        var septemberItem = await Booking.AssignItemAsync(_db.App, september, ct);
        var julyItem = await Booking.AssignItemAsync(_db.App, july, ct);

        // Assert
        Assert.Equal(septemberItem, julyItem);
    }

    [Fact]
    public async Task Assigning_twice_returns_the_same_item_and_a_cancelled_booking_gets_none()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 3, ct, items: 3);
        var night = Booking.Night(80);
        var booking = await Booking.CreateAsync(_db.App, hotel, "g", night, night.AddDays(2), ct);
        var cancelled = await Booking.CreateAsync(_db.App, hotel, "c", night, night.AddDays(2), ct);
        await Booking.LifecycleAsync(_db.App, "cancel", cancelled, ct);

        // Act
        var first = await Booking.AssignItemAsync(_db.App, booking, ct);
        var second = await Booking.AssignItemAsync(_db.App, booking, ct);
        var refused = await Booking.SqlStateOf(() => Booking.AssignItemAsync(_db.App, cancelled, ct));
        var unknown = await Booking.SqlStateOf(() => Booking.AssignItemAsync(_db.App, Guid.NewGuid(), ct));

        // Assert
        Assert.Equal(first, second);
        Assert.Equal(SqlState.InvalidState, refused);
        Assert.Equal(SqlState.BookingNotFound, unknown);
    }

    [Fact]
    public async Task The_exclusion_constraint_refuses_a_shared_item_even_from_a_superuser()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct, items: 2);
        var night = Booking.Night(81);
        var a = await Booking.CreateAsync(_db.App, hotel, "a", night, night.AddDays(2), ct);
        var b = await Booking.CreateAsync(_db.App, hotel, "b", night.AddDays(1), night.AddDays(3), ct);
        var item = await Booking.AssignItemAsync(_db.App, a, ct);

        // Act
        await using var cmd = _db.Admin.CreateCommand("update booking.bookings set item_id = $1 where id = $2");
        cmd.Parameters.AddWithValue(item);
        cmd.Parameters.AddWithValue(b);
        var state = await Booking.SqlStateOf(() => cmd.ExecuteNonQueryAsync(ct));

        // Assert
        Assert.Equal("23P01", state);
    }
}
