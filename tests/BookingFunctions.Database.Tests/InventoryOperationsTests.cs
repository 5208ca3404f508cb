using System.Text.Json;
using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

public sealed class InventoryOperationsTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task An_accepted_stay_gets_a_room_by_repacking_stays_that_have_not_started()
    {
        // The review's example: 2 rooms; A = night 1 and E = night 2 share room 1, B = night 2 has room 2; E is
        // cancelled; C = nights 1-2 is accepted. No room is free for both of C's nights until B moves to room 1.
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 2, ct, rooms: 2);
        var rooms = await Staff.RoomsAsync(_db.App, hotel, ct);
        var d1 = Booking.Night(40);
        var a = await Booking.CreateAsync(_db.App, hotel, "a", d1, d1.AddDays(1), ct);
        var e = await Booking.CreateAsync(_db.App, hotel, "e", d1.AddDays(1), d1.AddDays(2), ct);
        var b = await Booking.CreateAsync(_db.App, hotel, "b", d1.AddDays(1), d1.AddDays(2), ct);
        Assert.Equal(rooms[0], await Booking.AssignItemAsync(_db.App, a, ct));
        Assert.Equal(rooms[0], await Booking.AssignItemAsync(_db.App, e, ct));
        Assert.Equal(rooms[1], await Booking.AssignItemAsync(_db.App, b, ct));
        await Booking.LifecycleAsync(_db.App, "cancel", e, ct);
        var c = await Booking.CreateAsync(_db.App, hotel, "c", d1, d1.AddDays(2), ct);

        // Act
        var room = await Booking.AssignItemAsync(_db.App, c, ct);

        // Assert
        Assert.Equal(rooms[1], room);
        Assert.Equal(rooms[0], await RoomOfAsync(b, ct));
        Assert.Equal(rooms[0], await RoomOfAsync(a, ct));
        Assert.Equal(1, await Inventory.CountAsync(_db.Admin,
            $"select count(*) from booking.booking_events where booking_id = '{b}' and event = 'item_moved'", ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task A_hold_running_out_while_a_repack_waits_for_its_locks_keeps_its_room_out_of_the_plan()
    {
        // Found by DatabaseRaceFuzzTests (23P01 in a 200-caller round): a repack read the clock before it waited for
        // its locks, and planned after. A hold that ran out in between was left out of the plan as if its room were
        // free, but it still held the room (it is released only by a later call), so the plan put the stay there.
        // Rooms: R1 = A (night 1), R2 = H (nights 1-2, a hold), R3 = C (night 2); T = nights 1-2 needs a repack.
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 3, ct, rooms: 3);
        var rooms = await Staff.RoomsAsync(_db.App, hotel, ct);
        var d1 = Booking.Night(50);
        var a = await Booking.CreateAsync(_db.App, hotel, "a", d1, d1.AddDays(1), ct);
        var h = await Booking.CreateAsync(_db.App, hotel, "h", d1, d1.AddDays(2), ct);
        var d = await Booking.CreateAsync(_db.App, hotel, "d", d1.AddDays(1), d1.AddDays(2), ct);
        var c = await Booking.CreateAsync(_db.App, hotel, "c", d1.AddDays(1), d1.AddDays(2), ct);
        Assert.Equal(rooms[0], await Booking.AssignItemAsync(_db.App, a, ct));
        Assert.Equal(rooms[1], await Booking.AssignItemAsync(_db.App, h, ct));
        Assert.Equal(rooms[0], await Booking.AssignItemAsync(_db.App, d, ct));
        Assert.Equal(rooms[2], await Booking.AssignItemAsync(_db.App, c, ct));
        await Booking.LifecycleAsync(_db.App, "cancel", d, ct);
        var t = await Booking.CreateAsync(_db.App, hotel, "t", d1, d1.AddDays(2), ct);

        // Act: the repack waits for the room type's row while H's hold runs out (past lock_timeout on a slow machine)
        await using var longLockWaits = await LongLockWaits.BeginAsync(_db, ct);
        await using var blocker = await _db.Admin.OpenConnectionAsync(ct);
        await using var tx = await blocker.BeginTransactionAsync(ct);
        await using (var hold = new NpgsqlCommand("select 1 from booking.accommodations where id = $1 for update", blocker, tx))
        {
            hold.Parameters.AddWithValue(hotel);
            await hold.ExecuteScalarAsync(ct);
        }

        var assignment = Booking.AssignItemAsync(_db.App, t, ct);
        await LockWaiters.FirstAsync(_db, "assign_accommodation_item_atomically", ct);
        await using (var expire = _db.Admin.CreateCommand(
            "update booking.bookings set hold_expires_at = clock_timestamp() where id = $1")) // after the repack read its clock
        {
            expire.Parameters.AddWithValue(h);
            await expire.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        var room = await assignment;

        // Assert: T has a room no other live row holds on its nights
        Assert.Equal(room, await RoomOfAsync(t, ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            $"""
            select count(*) from booking.bookings o
             where o.item_id = '{room}' and o.id <> '{t}' and o.status in ('pending', 'confirmed')
               and o.check_in < '{d1.AddDays(2):yyyy-MM-dd}' and o.check_out > '{d1:yyyy-MM-dd}'
            """, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task A_started_stay_keeps_its_room_and_the_refused_retirement_names_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 2, ct, rooms: 2);
        var rooms = await Staff.RoomsAsync(_db.App, hotel, ct);
        var today = await Staff.PropertyTodayAsync(_db.Admin, hotel, ct);
        var guestInHouse = await Booking.CreateAsync(_db.App, hotel, "in-house", today, today.AddDays(3), ct, status: "confirmed");
        Assert.Equal(rooms[0], await Booking.AssignItemAsync(_db.App, guestInHouse, ct));
        var later = await Booking.CreateAsync(_db.App, hotel, "later", today.AddDays(5), today.AddDays(7), ct);
        Assert.Equal(rooms[0], await Booking.AssignItemAsync(_db.App, later, ct));

        // Act
        var refused = await ConflictOf(() => Staff.RetireRoomAsync(_db.App, hotel, rooms[0], today.AddDays(1), ct));
        var moved = await Staff.RetireRoomAsync(_db.App, hotel, rooms[0], today.AddDays(3), ct);

        // Assert
        Assert.Equal(SqlState.InventoryConflict, refused.SqlState);
        Assert.Contains(guestInHouse.ToString(), refused.Hint, StringComparison.Ordinal);
        Assert.Equal(rooms[0], await RoomOfAsync(guestInHouse, ct));
        Assert.Equal(rooms[1], await RoomOfAsync(later, ct));
        Assert.Contains(later.ToString(), moved, StringComparison.Ordinal);
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Lowering_capacity_below_the_bookings_is_refused_with_the_nights_and_their_counts()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 5, ct);
        var d1 = Booking.Night(42);
        for (var i = 0; i < 4; i++)
        {
            await Booking.CreateAsync(_db.App, hotel, $"g{i}", d1, d1.AddDays(i < 2 ? 2 : 1), ct);
        }

        // Act
        var refused = await ConflictOf(() => Staff.SetCapacityAsync(_db.App, hotel, 3, ct));
        await Staff.SetCapacityAsync(_db.App, hotel, 4, ct);

        // Assert
        Assert.Equal(SqlState.InventoryConflict, refused.SqlState);
        using var conflicts = JsonDocument.Parse(refused.Hint!);
        var night = Assert.Single(conflicts.RootElement.GetProperty("nights").EnumerateArray());
        Assert.Equal(d1.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), night.GetProperty("night").GetString());
        Assert.Equal(4, night.GetProperty("booked").GetInt32());
        Assert.Equal(3, night.GetProperty("capacity").GetInt32());
        Assert.Equal(0, await Booking.AvailabilityAsync(_db.App, hotel, d1, d1.AddDays(1), ct));
        Assert.Equal(2, await Booking.AvailabilityAsync(_db.App, hotel, d1.AddDays(1), d1.AddDays(2), ct));
    }

    [Fact]
    public async Task A_closed_night_refuses_new_bookings_keeps_existing_ones_and_shows_as_closed()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 3, ct);
        var unlimited = await Staff.CreateAccommodationAsync(_db.App, null, ct);
        var d1 = Booking.Night(44);
        var existing = await Booking.CreateAsync(_db.App, hotel, "early-bird", d1, d1.AddDays(2), ct);

        // Act
        var closure = await Staff.CloseAsync(_db.App, hotel, d1.AddDays(1), d1.AddDays(2), ct);
        await Staff.CloseAsync(_db.App, unlimited, d1.AddDays(1), d1.AddDays(2), ct);
        var refused = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, hotel, "late", d1, d1.AddDays(3), ct));
        var refusedUnlimited = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, unlimited, "late", d1.AddDays(1), d1.AddDays(2), ct));
        var calendar = await Staff.CalendarAsync(_db.App, hotel, d1, d1.AddDays(3), ct);
        var availableWhileClosed = await Booking.AvailabilityAsync(_db.App, hotel, d1, d1.AddDays(2), ct);
        var unlimitedWhileClosed = await Booking.AvailabilityAsync(_db.App, unlimited, d1, d1.AddDays(2), ct);
        await Staff.ReopenAsync(_db.App, hotel, closure.Id, ct);
        var afterReopening = await Booking.CreateAsync(_db.App, hotel, "late", d1, d1.AddDays(3), ct);

        // Assert
        Assert.Contains(existing.ToString(), closure.Bookings, StringComparison.Ordinal);
        Assert.Equal(SqlState.NightClosed, refused);
        Assert.Equal(SqlState.NightClosed, refusedUnlimited);
        Assert.Equal([false, true, false], calendar.Select(n => n.Closed));
        Assert.Equal([2, 0, 3], calendar.Select(n => n.Available));
        Assert.Equal([1, 1, 0], calendar.Select(n => n.Booked));
        Assert.Equal(0, availableWhileClosed);
        Assert.Equal(0, unlimitedWhileClosed);
        Assert.NotEqual(Guid.Empty, afterReopening);
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Check_in_in_the_past_is_judged_on_the_property_calendar()
    {
        var ct = TestContext.Current.CancellationToken;
        // Kiritimati is UTC+14 and Pago Pago UTC-11: for most of the UTC day their dates differ by one.
        var east = await Staff.CreateAccommodationAsync(_db.App, 5, ct, timeZone: "Pacific/Kiritimati");
        var west = await Staff.CreateAccommodationAsync(_db.App, 5, ct, timeZone: "Pacific/Pago_Pago");
        var eastToday = await Staff.PropertyTodayAsync(_db.Admin, east, ct);
        var westToday = await Staff.PropertyTodayAsync(_db.Admin, west, ct);

        // Act
        var eastYesterday = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, east, "e", eastToday.AddDays(-1), eastToday.AddDays(1), ct));
        var eastTonight = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, east, "e", eastToday, eastToday.AddDays(1), ct));
        var westYesterday = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, west, "w", westToday.AddDays(-1), westToday.AddDays(1), ct));
        var westTonight = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, west, "w", westToday, westToday.AddDays(1), ct));

        // Assert
        Assert.True(eastToday > westToday, "the two zones are 25 hours apart");
        Assert.Equal(SqlState.InvalidStay, eastYesterday);
        Assert.Null(eastTonight);
        Assert.Equal(SqlState.InvalidStay, westYesterday);
        Assert.Null(westTonight);
    }

    [Fact]
    public async Task Guests_above_the_room_types_limit_are_refused_and_search_skips_that_type()
    {
        var ct = TestContext.Current.CancellationToken;
        var single = await Staff.CreateAccommodationAsync(_db.App, 2, ct, maxGuests: 1);
        var family = await Staff.CreateAccommodationAsync(_db.App, 1, ct, maxGuests: 4);
        var full = await Staff.CreateAccommodationAsync(_db.App, 1, ct, maxGuests: 4);
        var d1 = Booking.Night(46);
        await Booking.CreateAsync(_db.App, full, "g", d1, d1.AddDays(2), ct);

        // Act
        var refused = await Booking.SqlStateOf(() => CreateWithGuestsAsync(single, 2, d1, ct));
        var accepted = await Booking.SqlStateOf(() => CreateWithGuestsAsync(family, 3, d1.AddDays(3), ct));
        var forTwo = await Staff.SearchAsync(_db.App, d1, d1.AddDays(2), 2, [single, family, full], ct);
        var forOne = await Staff.SearchAsync(_db.App, d1, d1.AddDays(2), 1, [single, family, full], ct);

        // Assert
        Assert.Equal(SqlState.TooManyGuests, refused);
        Assert.Null(accepted);
        Assert.Equal(new Dictionary<Guid, int> { [family] = 1 }, forTwo);
        Assert.Equal(new Dictionary<Guid, int> { [single] = 2, [family] = 1 }, forOne);
    }

    [Fact]
    public async Task While_a_room_retires_on_a_future_date_each_booking_gets_its_room_when_made_or_is_refused()
    {
        // 2 rooms; a guest in house holds room 1 until day 4; room 2 retires from day 5. A stay of days 2-9 has a
        // free room on every night by the counts, but no single room: room 1 is taken until day 4, room 2 leaves on day 5.
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 2, ct, rooms: 2);
        var rooms = await Staff.RoomsAsync(_db.App, hotel, ct);
        var today = await Staff.PropertyTodayAsync(_db.Admin, hotel, ct);
        var inHouse = await Booking.CreateAsync(_db.App, hotel, "in-house", today, today.AddDays(4), ct, status: "confirmed");
        await Booking.AssignItemAsync(_db.App, inHouse, ct);
        await Staff.RetireRoomAsync(_db.App, hotel, rooms[1], today.AddDays(5), ct);

        // Act
        var impossible = await Booking.SqlStateOf(() => Booking.CreateAsync(_db.App, hotel, "long", today.AddDays(2), today.AddDays(9), ct));
        var afterInHouse = await Booking.CreateAsync(_db.App, hotel, "after", today.AddDays(4), today.AddDays(9), ct);
        var beforeRetirement = await Booking.CreateAsync(_db.App, hotel, "short", today.AddDays(1), today.AddDays(4), ct);
        var batch = await CreateBatchAsync(hotel, today.AddDays(12), ct);

        // Assert
        Assert.Equal(SqlState.NoRoomForStay, impossible);
        Assert.Equal(rooms[0], await RoomOfAsync(afterInHouse, ct));
        Assert.Equal(rooms[1], await RoomOfAsync(beforeRetirement, ct));
        Assert.Equal(SqlState.SendAlone, batch);
        Assert.Equal(0, await Recount.NightsOverLimitAsync(_db.Admin, hotel, ct));
        Assert.Equal(0, await Recount.RoomConflictsAsync(_db.Admin, hotel, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Lowering_capacity_while_sixty_bookers_race_on_the_same_nights_never_leaves_a_night_over_capacity()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var round = 0; round < 5; round++)
        {
            var hotel = await Staff.CreateAccommodationAsync(_db.App, 20, ct);
            var d1 = Booking.Night(50 + round);
            for (var i = 0; i < 8; i++)
            {
                await Booking.CreateAsync(_db.App, hotel, $"early-{i}", d1, d1.AddDays(3), ct);
            }

            // Act: 60 bookers of 1-3 nights race one capacity change from 20 to 10 (started at a different moment each round)
            var random = new Random(round);
            var stays = Enumerable.Range(0, 60).Select(_ => (Offset: random.Next(3), Nights: 1 + random.Next(3))).ToArray();
            var lower = Task.Run(async () =>
            {
                await Task.Delay(round * 3, ct);
                return await Booking.SqlStateOf(() => Staff.SetCapacityAsync(_db.App, hotel, 10, ct));
            }, ct);
            var bookers = await Race.RunAsync(_db.App, 60, i => Booking.CreateAsync(_db.App, hotel, $"racer-{i}",
                d1.AddDays(stays[i].Offset), d1.AddDays(Math.Min(stays[i].Offset + stays[i].Nights, 3)), ct), ct);
            var lowered = await lower;

            // Assert
            Assert.All(bookers, o => Assert.True(o.Value is not null || o.SqlState is SqlState.FullyBooked or SqlState.LockTimeout,
                $"booker got {o.SqlState}"));
            Assert.True(lowered is null or SqlState.InventoryConflict or SqlState.LockTimeout, $"capacity change got {lowered}");
            Assert.Equal(0, await Recount.NightsOverLimitAsync(_db.Admin, hotel, ct));
            if (lowered is null)
            {
                Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
                    $"select count(*) from booking.night_inventory where accommodation_id = '{hotel}' and night >= '{d1:yyyy-MM-dd}' and capacity <> 10", ct));
            }
        }

        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Retiring_rooms_while_sixty_bookers_race_never_leaves_a_night_over_the_rooms_in_service()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var round = 0; round < 4; round++)
        {
            var hotel = await Staff.CreateAccommodationAsync(_db.App, 8, ct, rooms: 8);
            var rooms = await Staff.RoomsAsync(_db.App, hotel, ct);
            var d1 = Booking.Night(60 + round * 5);
            for (var i = 0; i < 4; i++)
            {
                await Booking.AssignItemAsync(_db.App, await Booking.CreateAsync(_db.App, hotel, $"early-{i}", d1, d1.AddDays(3), ct), ct);
            }

            // Act: 60 bookers (each booking then asking for its room) race the retirement of two rooms from night 2 on
            var random = new Random(round);
            var stays = Enumerable.Range(0, 60).Select(_ => (Offset: random.Next(3), Nights: 1 + random.Next(3))).ToArray();
            var retire = Task.Run(async () =>
            {
                await Task.Delay(round * 3, ct);
                return new[]
                {
                    await Booking.SqlStateOf(() => Staff.RetireRoomAsync(_db.App, hotel, rooms[7], d1.AddDays(1), ct)),
                    await Booking.SqlStateOf(() => Staff.RetireRoomAsync(_db.App, hotel, rooms[6], d1.AddDays(1), ct)),
                };
            }, ct);
            var bookers = await Race.RunAsync(_db.App, 60, async i =>
            {
                var id = await Booking.CreateAsync(_db.App, hotel, $"racer-{i}",
                    d1.AddDays(stays[i].Offset), d1.AddDays(Math.Min(stays[i].Offset + stays[i].Nights, 3)), ct);
                return await Booking.AssignItemAsync(_db.App, id, ct);
            }, ct);
            var retired = await retire;

            // Assert
            Assert.All(bookers, o => Assert.True(o.Value is not null
                || o.SqlState is SqlState.FullyBooked or SqlState.NoRoomForStay or SqlState.LockTimeout or SqlState.SerializationFailure,
                $"booker got {o.SqlState}"));
            Assert.All(retired, s => Assert.True(s is null or SqlState.InventoryConflict or SqlState.LockTimeout, $"retirement got {s}"));
            Assert.Equal(0, await Recount.NightsOverLimitAsync(_db.Admin, hotel, ct));
            Assert.Equal(0, await Recount.RoomConflictsAsync(_db.Admin, hotel, ct));
            foreach (var booking in await Recount.ActiveAsync(_db.Admin, hotel, ct))
            {
                await Booking.AssignItemAsync(_db.App, booking.Id, ct); // every accepted booking has or gets a room
            }
        }

        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task The_audit_reports_a_night_over_the_rooms_in_service_and_a_room_used_after_its_retirement()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 2, ct, rooms: 2);
        var rooms = await Staff.RoomsAsync(_db.App, hotel, ct);
        var d1 = Booking.Night(90);
        var a = await Booking.CreateAsync(_db.App, hotel, "a", d1, d1.AddDays(2), ct);
        var b = await Booking.CreateAsync(_db.App, hotel, "b", d1, d1.AddDays(2), ct);
        await Booking.AssignItemAsync(_db.App, a, ct);
        await Booking.AssignItemAsync(_db.App, b, ct);

        // Act: retire room 2 behind the functions' back
        await using (var cmd = _db.Admin.CreateCommand("update booking.accommodation_items set retired_from = $1 where id = $2"))
        {
            cmd.Parameters.AddWithValue(d1.AddDays(1));
            cmd.Parameters.AddWithValue(rooms[1]);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        var findings = await Inventory.AuditAsync(_db.App, ct);

        // Assert
        Assert.Contains(findings, f => f.Issue == "night_over_rooms" && f.AccommodationId == hotel && f.Night == d1.AddDays(1) && f.Booked == 2);
        Assert.Contains(findings, f => f.Issue == "item_out_of_service" && f.ItemId == rooms[1]);
        Assert.Contains(findings, f => f.Issue == "night_settings_drift" && f.AccommodationId == hotel && f.Night == d1.AddDays(1));
        await using (var undo = _db.Admin.CreateCommand("update booking.accommodation_items set retired_from = null where id = $1"))
        {
            undo.Parameters.AddWithValue(rooms[1]);
            await undo.ExecuteNonQueryAsync(ct);
        }

        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    private async Task<Guid?> RoomOfAsync(Guid booking, CancellationToken ct)
    {
        await using var cmd = _db.Admin.CreateCommand("select item_id from booking.bookings where id = $1");
        cmd.Parameters.AddWithValue(booking);
        return await cmd.ExecuteScalarAsync(ct) as Guid?;
    }

    private async Task<Guid> CreateWithGuestsAsync(Guid accommodation, int guests, DateOnly checkIn, CancellationToken ct)
    {
        await using var cmd = _db.App.CreateCommand("select create_booking_with_atomic_lock($1, 'family', $2, $3, $4)");
        cmd.Parameters.AddWithValue(accommodation);
        cmd.Parameters.AddWithValue(checkIn);
        cmd.Parameters.AddWithValue(checkIn.AddDays(1));
        cmd.Parameters.AddWithValue(guests);
        return (Guid)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<string?> CreateBatchAsync(Guid accommodation, DateOnly checkIn, CancellationToken ct)
    {
        await using var cmd = _db.App.CreateCommand(
            "select error_code from create_bookings(array[$1], array['batch-guest'], array[$2], array[$3], array[1], array[null::text])");
        cmd.Parameters.AddWithValue(accommodation);
        cmd.Parameters.AddWithValue(checkIn);
        cmd.Parameters.AddWithValue(checkIn.AddDays(1));
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    private static async Task<(string? SqlState, string? Hint)> ConflictOf(Func<Task> call)
    {
        try
        {
            await call();
            return (null, null);
        }
        catch (PostgresException e)
        {
            return (e.SqlState, e.Hint);
        }
    }
}
