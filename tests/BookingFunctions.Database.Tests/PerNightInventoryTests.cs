using BookingFunctions.Testing;
using Xunit;

namespace BookingFunctions.Database.Tests;

public sealed class PerNightInventoryTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task A_stay_over_two_half_booked_ranges_fits_because_every_night_has_a_room()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct);
        var day1 = Booking.Night(40);
        await Booking.CreateAsync(_db.App, hotel, "a", day1, day1.AddDays(2), ct);            // nights 1-2
        await Booking.CreateAsync(_db.App, hotel, "b", day1.AddDays(2), day1.AddDays(4), ct); // nights 3-4

        // Act
        var longStay = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, hotel, "c", day1, day1.AddDays(4), ct));
        var third = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, hotel, "d", day1.AddDays(1), day1.AddDays(2), ct));

        // Assert
        Assert.Null(longStay);
        Assert.Equal(SqlState.FullyBooked, third);
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task The_fully_booked_error_names_the_first_full_night()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 3, ct);
        var day1 = Booking.Night(41);
        for (var i = 0; i < 3; i++)
        {
            await Booking.CreateAsync(_db.App, hotel, $"g{i}", day1.AddDays(2), day1.AddDays(3), ct);
        }

        // Act
        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            Booking.CreateAsync(_db.App, hotel, "late", day1, day1.AddDays(5), ct));

        // Assert
        Assert.Equal(SqlState.FullyBooked, error.SqlState);
        Assert.Equal($"All 3 rooms are taken on {day1.AddDays(2):yyyy-MM-dd}.", error.MessageText);
    }

    [Fact]
    public async Task Check_out_day_is_the_next_guests_check_in_day_for_the_pool_and_for_an_item()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct, items: 1);
        var day1 = Booking.Night(42);
        var first = await Booking.CreateAsync(_db.App, hotel, "first", day1, day1.AddDays(3), ct);

        // Act
        var second = await Booking.CreateAsync(_db.App, hotel, "second", day1.AddDays(3), day1.AddDays(5), ct);
        var firstItem = await Booking.AssignItemAsync(_db.App, first, ct);
        var secondItem = await Booking.AssignItemAsync(_db.App, second, ct);

        // Assert
        Assert.Equal(firstItem, secondItem);
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Availability_is_capacity_minus_the_busiest_night_zero_when_full_and_9999_when_unlimited()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 3, ct);
        var hostel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: null, ct);
        var day1 = Booking.Night(43);
        await Booking.CreateAsync(_db.App, hotel, "a", day1, day1.AddDays(3), ct);
        await Booking.CreateAsync(_db.App, hotel, "b", day1.AddDays(1), day1.AddDays(2), ct);

        // Act
        var whole = await Booking.AvailabilityAsync(_db.App, hotel, day1, day1.AddDays(3), ct);
        var lastNight = await Booking.AvailabilityAsync(_db.App, hotel, day1.AddDays(2), day1.AddDays(3), ct);
        await Booking.CreateAsync(_db.App, hotel, "c", day1.AddDays(1), day1.AddDays(2), ct);
        var full = await Booking.AvailabilityAsync(_db.App, hotel, day1, day1.AddDays(3), ct);
        var unlimited = await Booking.AvailabilityAsync(_db.App, hostel, day1, day1.AddDays(3), ct);
        await Booking.CreateAsync(_db.App, hostel, "d", day1, day1.AddDays(3), ct);

        // Assert
        Assert.Equal(1, whole);
        Assert.Equal(2, lastNight);
        Assert.Equal(0, full);
        Assert.Equal(9999, unlimited);
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Invalid_requests_get_their_own_sqlstates_and_write_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 3, ct);
        var day1 = Booking.Night(44);

        // Act
        var unknown = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, Guid.NewGuid(), "g", day1, day1.AddDays(1), ct));
        var reversed = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, hotel, "g", day1, day1, ct));
        var tooLong = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, hotel, "g", day1, day1.AddDays(366), ct));
        var past = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, hotel, "g", Booking.Today.AddDays(-5), Booking.Today, ct));
        var noGuest = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, hotel, "", day1, day1.AddDays(1), ct));
        var unknownAvailability = await Booking.SqlStateOf(() => Booking.AvailabilityAsync(_db.App, Guid.NewGuid(), day1, day1.AddDays(1), ct));

        // Assert
        Assert.Equal(SqlState.UnknownAccommodation, unknown);
        Assert.Equal(SqlState.InvalidStay, reversed);
        Assert.Equal(SqlState.InvalidStay, tooLong);
        Assert.Equal(SqlState.InvalidStay, past);
        Assert.Equal(SqlState.InvalidArgument, noGuest);
        Assert.Equal(SqlState.UnknownAccommodation, unknownAvailability);
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where accommodation_id = '{hotel}' or guest_id in ('g', '')", ct));
    }

    [Fact]
    public async Task Availability_reads_never_wait_for_a_booker_holding_the_night_locks()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct);
        var night = Booking.Night(45);
        await using var booker = await _db.App.OpenConnectionAsync(ct);
        await using var tx = await booker.BeginTransactionAsync(ct);
        await using (var hold = new Npgsql.NpgsqlCommand("select create_booking_with_atomic_lock($1, 'holder', $2, $3)", booker, tx))
        {
            hold.Parameters.AddWithValue(hotel);
            hold.Parameters.AddWithValue(night);
            hold.Parameters.AddWithValue(night.AddDays(1));
            await hold.ExecuteScalarAsync(ct);
        }

        // Act: the booker's transaction is still open and holds the night row lock
        await using var reader = await _db.App.OpenConnectionAsync(ct);
        await using (var noWait = new Npgsql.NpgsqlCommand("set lock_timeout = '100ms'", reader))
        {
            await noWait.ExecuteNonQueryAsync(ct);
        }

        await using var read = new Npgsql.NpgsqlCommand("select check_availability_with_lock($1, $2, $3)", reader);
        read.Parameters.AddWithValue(hotel);
        read.Parameters.AddWithValue(night);
        read.Parameters.AddWithValue(night.AddDays(1));
        var available = (int)(await read.ExecuteScalarAsync(ct))!;

        // Assert: the uncommitted booking is not visible yet, and the read did not wait
        Assert.Equal(2, available);
        await tx.RollbackAsync(ct);
    }

    [Fact]
    public async Task A_booker_stuck_behind_a_held_lock_gets_a_lock_timeout_instead_of_hanging()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct);
        var night = Booking.Night(46);
        await Booking.CreateAsync(_db.App, hotel, "warm", night, night.AddDays(1), ct);
        await using var holder = await _db.Admin.OpenConnectionAsync(ct);
        await using var tx = await holder.BeginTransactionAsync(ct);
        await using (var lockNight = new Npgsql.NpgsqlCommand(
            "select 1 from booking.night_inventory where accommodation_id = $1 for update", holder, tx))
        {
            lockNight.Parameters.AddWithValue(hotel);
            await lockNight.ExecuteNonQueryAsync(ct);
        }

        // Act
        var started = System.Diagnostics.Stopwatch.StartNew();
        var state = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, hotel, "blocked", night, night.AddDays(1), ct));

        // Assert
        Assert.Equal(SqlState.LockTimeout, state);
        Assert.InRange(started.Elapsed.TotalSeconds, 1.5, 10);
        await tx.RollbackAsync(ct);
    }
}
