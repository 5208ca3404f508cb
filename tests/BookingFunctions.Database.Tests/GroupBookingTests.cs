using System.Collections.Concurrent;
using System.Diagnostics;
using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

public sealed class GroupBookingTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task A_group_books_all_its_rooms_in_one_transaction_and_a_replay_of_its_key_returns_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var doubles = await Staff.CreateAccommodationAsync(_db.App, 3, ct);
        var suite = await Staff.CreateAccommodationAsync(_db.App, 1, ct);
        var d = Booking.Night(20);
        GroupRoom[] rooms = [new(doubles, d, d.AddDays(2), 2), new(doubles, d, d.AddDays(2), 2), new(suite, d.AddDays(1), d.AddDays(2))];

        // Act
        var booked = await Group.CreateAsync(_db.App, "family", rooms, ct, idempotencyKey: "family-trip");
        var replay = await Group.CreateAsync(_db.App, "family", rooms, ct, idempotencyKey: "family-trip");
        var reused = await Booking.SqlStateOf(() => Group.CreateAsync(_db.App, "family", rooms[..2], ct, idempotencyKey: "family-trip"));

        // Assert
        Assert.Equal(3, booked.Count);
        Assert.Single(booked.Select(b => b.GroupId).Distinct());
        Assert.All(booked, b => Assert.False(b.Flag));
        Assert.Equal(booked.Select(b => b.Id).Order(), replay.Select(b => b.Id).Order());
        Assert.All(replay, b => Assert.True(b.Flag, "a replay says so"));
        Assert.Equal(SqlState.IdempotencyKeyReused, reused);
        Assert.Equal(1, await Booking.AvailabilityAsync(_db.App, doubles, d, d.AddDays(2), ct));
        Assert.Equal(3, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where group_id = '{booked[0].GroupId}'", ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task A_group_that_does_not_fit_is_refused_whole_naming_the_room_type_and_night_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var doubles = await Staff.CreateAccommodationAsync(_db.App, 3, ct);
        var suite = await Staff.CreateAccommodationAsync(_db.App, 1, ct);
        var d = Booking.Night(24);
        await Booking.CreateAsync(_db.App, suite, "first", d.AddDays(1), d.AddDays(2), ct);
        var before = await Inventory.CountAsync(_db.Admin, "select count(*) from booking.bookings", ct);
        var suiteName = await NameOfAsync(suite, ct);

        // Act
        PostgresException? refusal = null;
        try
        {
            await Group.CreateAsync(_db.App, "refused-family", [new(doubles, d, d.AddDays(3)), new(suite, d, d.AddDays(3))], ct, idempotencyKey: "k");
        }
        catch (PostgresException e)
        {
            refusal = e;
        }

        // Assert
        Assert.Equal(SqlState.FullyBooked, refusal?.SqlState);
        Assert.Equal($"{suiteName}: The only room is taken on {d.AddDays(1):yyyy-MM-dd}.", refusal!.MessageText);
        Assert.Equal(before, await Inventory.CountAsync(_db.Admin, "select count(*) from booking.bookings", ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, "select count(*) from booking.booking_groups where guest_id = 'refused-family'", ct));
        Assert.Equal(3, await Booking.AvailabilityAsync(_db.App, doubles, d, d.AddDays(3), ct));
    }

    [Fact]
    public async Task A_batch_grants_each_group_whole_or_not_at_all_in_the_order_of_its_first_request()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 3, ct);
        var d = Booking.Night(28);
        BatchRequest[] requests =
        [
            new(hotel, "single-1", d, d.AddDays(1)),
            new(hotel, "pair", d, d.AddDays(1), IdempotencyKey: "pair-key"),
            new(hotel, "trio", d, d.AddDays(1)),
            new(hotel, "pair", d, d.AddDays(1), IdempotencyKey: "pair-key"),
            new(hotel, "trio", d, d.AddDays(1)),
            new(hotel, "trio", d, d.AddDays(1)),
            new(hotel, "single-2", d, d.AddDays(1)),
        ];
        int?[] groups = [null, 1, 2, 1, 2, 2, null];

        // Act
        var rows = await GroupBatchAsync(requests, groups, ct);

        // Assert: single-1 and the pair fill the three rooms; the trio (second group) gets none; single-2 is full
        Assert.Equal([null, null, "BK001", null, "BK001", "BK001", "BK001"], rows.Select(r => r.Code));
        Assert.Equal(rows[1].Group, rows[3].Group);
        Assert.NotNull(rows[1].Group);
        Assert.Null(rows[0].Group);
        Assert.Equal(3, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where accommodation_id = '{hotel}'", ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, "select count(*) from booking.booking_groups where guest_id = 'trio'", ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task A_group_refused_at_its_last_room_gives_the_rooms_it_was_counted_for_back_to_the_requests_after_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 3, ct);
        var d = Booking.Night(29);
        BatchRequest[] requests =
        [
            new(hotel, "single-1", d, d.AddDays(2)),
            new(hotel, "trio", d, d.AddDays(2)),
            new(hotel, "trio", d, d.AddDays(2)),
            new(hotel, "trio", d, d.AddDays(2)),
            new(hotel, "single-2", d, d.AddDays(2)),
            new(hotel, "single-3", d.AddDays(1), d.AddDays(2)),
        ];
        int?[] groups = [null, 1, 1, 1, null, null];

        // Act
        var rows = await GroupBatchAsync(requests, groups, ct);

        // Assert: the trio's first two rooms fit and its third does not, so the trio gets none and the two rooms it was
        // counted for go to the two single requests after it
        Assert.Equal([null, "BK001", "BK001", "BK001", null, null], rows.Select(r => r.Code));
        Assert.Equal(3, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where accommodation_id = '{hotel}'", ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, "select count(*) from booking.booking_groups where guest_id = 'trio'", ct));
        Assert.Equal(0, await Booking.AvailabilityAsync(_db.App, hotel, d.AddDays(1), d.AddDays(2), ct));
        Assert.Equal(1, await Booking.AvailabilityAsync(_db.App, hotel, d, d.AddDays(1), ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Each_booking_of_a_group_stays_addressable_alone_and_the_group_is_only_its_guests()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 4, ct);
        var d = Booking.Night(32);
        var group = await Group.CreateAsync(_db.App, "owner", [new(hotel, d, d.AddDays(1)), new(hotel, d, d.AddDays(2))], ct);
        var groupId = group[0].GroupId;

        // Act
        var strangerReads = await Booking.SqlStateOf(() => Group.GetAsync(_db.App, groupId, ct, guest: "stranger"));
        var strangerCancels = await Booking.SqlStateOf(() => Group.CancelAsync(_db.App, groupId, ct, guest: "stranger"));
        await Booking.LifecycleAsync(_db.App, "cancel", group[0].Id, ct);
        var afterOne = await Group.GetAsync(_db.App, groupId, ct, guest: "owner");

        // Assert
        Assert.Equal(SqlState.BookingNotFound, strangerReads);
        Assert.Equal(SqlState.BookingNotFound, strangerCancels);
        Assert.Equal(["cancelled", "pending"], afterOne.OrderBy(b => b.Id == group[0].Id ? 0 : 1).Select(b => b.Status));
        Assert.Equal(SqlState.InvalidState, await Booking.SqlStateOf(() => Group.ConfirmAsync(_db.App, groupId, ct)));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where group_id = '{groupId}' and status = 'confirmed'", ct));
        var cancelled = await Group.CancelAsync(_db.App, groupId, ct, guest: "owner");
        Assert.All(cancelled, b => Assert.Equal("cancelled", b.Status));
        Assert.Equal(4, await Booking.AvailabilityAsync(_db.App, hotel, d, d.AddDays(2), ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task One_hundred_concurrent_groups_and_single_bookers_for_twenty_seconds_leave_no_partial_group_no_deadlock_and_no_night_over_capacity()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotels = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            hotels.Add(await Staff.CreateAccommodationAsync(_db.App, 4 + i * 4, ct));
        }

        var d = Booking.Night(40);
        var outcomes = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var unexpected = new ConcurrentQueue<string>();
        var groups = new ConcurrentBag<(Guid Group, int Rooms)>();
        var clock = Stopwatch.StartNew();
        var seed = Random.Shared.Next();
        TestContext.Current.SendDiagnosticMessage($"group soak seed {seed}");

        // Act: 100 callers, each in a loop for 20 s: three of four send a group of 2-5 rooms over the four room types and
        // overlapping stays in a 10-night window (half through create_booking_group, half as a batch of two groups), the
        // rest a single booking; half of what is booked alone is cancelled again, so the nights keep changing hands.
        await Task.WhenAll(Enumerable.Range(0, 100).Select(caller => Task.Run(async () =>
        {
            var random = new Random(seed + caller);
            while (clock.Elapsed < TimeSpan.FromSeconds(20) && !ct.IsCancellationRequested)
            {
                GroupRoom Room()
                {
                    var checkIn = d.AddDays(random.Next(10));
                    return new GroupRoom(hotels[random.Next(hotels.Count)], checkIn, checkIn.AddDays(1 + random.Next(3)));
                }

                string outcome;
                try
                {
                    switch (random.Next(8))
                    {
                        case < 3:
                            {
                                var rooms = Enumerable.Range(0, 2 + random.Next(4)).Select(_ => Room()).ToArray();
                                var booked = await Group.CreateAsync(_db.App, $"g{caller}", rooms, ct);
                                groups.Add((booked[0].GroupId, rooms.Length));
                                if (random.Next(2) == 0)
                                {
                                    await Group.CancelAsync(_db.App, booked[0].GroupId, ct);
                                }

                                outcome = "group:ok";
                                break;
                            }

                        case < 6:
                            {
                                var first = Enumerable.Range(0, 2 + random.Next(4)).Select(_ => Room()).ToArray();
                                var second = Enumerable.Range(0, 2 + random.Next(4)).Select(_ => Room()).ToArray();
                                var requests = first.Concat(second).Select(r => new BatchRequest(r.AccommodationId, $"b{caller}", r.CheckIn, r.CheckOut)).ToArray();
                                int?[] numbers = [.. first.Select(_ => (int?)1), .. second.Select(_ => (int?)2)];
                                var rows = await GroupBatchAsync(requests, numbers, ct);
                                foreach (var (number, size) in new[] { (1, first.Length), (2, second.Length) })
                                {
                                    var members = rows.Where((_, i) => numbers[i] == number).ToList();
                                    var codes = members.Select(m => m.Code).Distinct().ToList();
                                    if (codes.Count != 1)
                                    {
                                        unexpected.Enqueue($"a group's members answered differently: {string.Join(",", codes)}");
                                    }
                                    else if (codes[0] is null)
                                    {
                                        groups.Add((members[0].Group!.Value, size));
                                    }
                                }

                                outcome = "batch:" + string.Join("+", rows.Select(r => r.Code ?? "ok").Distinct().Order(StringComparer.Ordinal));
                                break;
                            }

                        default:
                            {
                                var room = Room();
                                var id = await Booking.CreateAsync(_db.App, room.AccommodationId, $"s{caller}", room.CheckIn, room.CheckOut, ct);
                                if (random.Next(2) == 0)
                                {
                                    await Booking.LifecycleAsync(_db.App, "cancel", id, ct);
                                }

                                outcome = "single:ok";
                                break;
                            }
                    }
                }
                catch (PostgresException e)
                {
                    outcome = e.SqlState;
                    if (e.SqlState is not (SqlState.FullyBooked or SqlState.LockTimeout))
                    {
                        unexpected.Enqueue($"{e.SqlState}: {e.MessageText}");
                    }
                }

                outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            }
        }, ct)));

        // Assert
        TestContext.Current.SendDiagnosticMessage("group soak: " + string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}")));
        Assert.True(unexpected.IsEmpty, string.Join('\n', unexpected.Take(10)));
        Assert.False(outcomes.ContainsKey(SqlState.Deadlock));
        Assert.True(groups.Count > 20, $"only {groups.Count} groups were booked");
        foreach (var (group, rooms) in groups)
        {
            Assert.Equal(rooms, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where group_id = '{group}'", ct));
        }

        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            """
            select count(*) from booking.booking_groups g
             where g.rooms <> (select count(*) from booking.bookings b where b.group_id = g.id)
            """, ct));
        foreach (var hotel in hotels)
        {
            Assert.Equal(0, await Recount.NightsOverLimitAsync(_db.Admin, hotel, ct));
        }

        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    private async Task<string> NameOfAsync(Guid accommodation, CancellationToken ct)
    {
        await using var cmd = _db.Admin.CreateCommand("select name from booking.accommodations where id = $1");
        cmd.Parameters.AddWithValue(accommodation);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<List<(string? Code, Guid? Group)>> GroupBatchAsync(IReadOnlyList<BatchRequest> requests, int?[] groups, CancellationToken ct)
    {
        await using var cmd = _db.App.CreateCommand(
            "select error_code, group_id from create_bookings($1, $2, $3, $4, $5, $6, '15 minutes', 'pending', $7) order by ordinal");
        cmd.Parameters.AddWithValue(requests.Select(r => r.AccommodationId).ToArray());
        cmd.Parameters.AddWithValue(requests.Select(r => r.GuestId).ToArray());
        cmd.Parameters.AddWithValue(requests.Select(r => r.CheckIn).ToArray());
        cmd.Parameters.AddWithValue(requests.Select(r => r.CheckOut).ToArray());
        cmd.Parameters.AddWithValue(requests.Select(r => r.Guests).ToArray());
        cmd.Parameters.AddWithValue(requests.Select(r => r.IdempotencyKey).ToArray());
        cmd.Parameters.AddWithValue(groups);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<(string?, Guid?)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetGuid(1)));
        }

        return rows;
    }
}
