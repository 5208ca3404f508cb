using System.Collections.Concurrent;
using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

public abstract class BatchBookingTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : DatabaseFixture
{
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task A_batch_of_ten_requests_for_three_rooms_books_exactly_the_first_three()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 3, ct);
        var night = Booking.Night(10);
        var requests = Enumerable.Range(1, 10).Select(i => new BatchRequest(hotel, $"guest-{i}", night, night.AddDays(1))).ToArray();

        // Act
        var rows = await Batch.CreateAsync(_db.App, requests, ct);

        // Assert
        Assert.Equal(Enumerable.Range(1, 10), rows.Select(r => r.Ordinal));
        Assert.All(rows.Take(3), (r, i) => AssertBooked(r, requests[i], "pending"));
        Assert.All(rows.Skip(3), r => AssertRefused(r, SqlState.FullyBooked, $"All 3 rooms are taken on {night:yyyy-MM-dd}."));
        Assert.Equal(3, rows.Select(r => r.Id).OfType<Guid>().Distinct().Count());
        Assert.Equal(3, await ReservedAsync(hotel, night, ct));
        Assert.Equal(3, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where accommodation_id = '{hotel}'", ct));
        Assert.Equal(3, await Inventory.CountAsync(_db.Admin,
            $"""
            select count(*) from booking.booking_events e join booking.bookings b on b.id = e.booking_id
             where e.accommodation_id = '{hotel}' and e.event = 'created'
            """, ct));
        Assert.Equal(3, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.booking_events where accommodation_id = '{hotel}'", ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Invalid_requests_in_a_batch_get_their_own_sqlstates_and_write_nothing_while_the_valid_ones_are_booked()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 5, ct);
        var night = Booking.Night(11);
        var tooLongGuest = new string('x', 201);
        BatchRequest[] requests =
        [
            new(hotel, "valid-1", night, night.AddDays(1)),
            new(Guid.NewGuid(), "unknown-accommodation", night, night.AddDays(1)),
            new(hotel, "valid-2", night, night.AddDays(2), Guests: 2),
            new(hotel, "empty-stay", night.AddDays(3), night.AddDays(3)),
            new(hotel, "valid-3", night, night.AddDays(1)),
            new(hotel, "no-guests", night.AddDays(5), night.AddDays(6), Guests: 0),
            new(hotel, tooLongGuest, night.AddDays(7), night.AddDays(8)),
            new(hotel, "valid-4", night.AddDays(1), night.AddDays(2), Guests: 50),
        ];

        // Act
        var rows = await Batch.CreateAsync(_db.App, requests, ct);

        // Assert
        Assert.Equal(Enumerable.Range(1, 8), rows.Select(r => r.Ordinal));
        AssertBooked(rows[0], requests[0], "pending");
        AssertRefused(rows[1], SqlState.UnknownAccommodation, "This accommodation does not exist.");
        AssertBooked(rows[2], requests[2], "pending");
        AssertRefused(rows[3], SqlState.InvalidStay, null);
        AssertBooked(rows[4], requests[4], "pending");
        AssertRefused(rows[5], SqlState.InvalidArgument, "Guests must be between 1 and 50.");
        AssertRefused(rows[6], SqlState.InvalidArgument, "A guest id of 1 to 200 characters is required.");
        AssertBooked(rows[7], requests[7], "pending");

        // the batch refuses each invalid request exactly as the single call does
        foreach (var i in new[] { 1, 3, 5, 6 })
        {
            var r = requests[i];
            var single = await Assert.ThrowsAsync<PostgresException>(() =>
                SingleAsync(r.AccommodationId, r.GuestId, r.CheckIn, r.CheckOut, r.Guests, ct));
            Assert.Equal((single.SqlState, single.MessageText), (rows[i].ErrorCode, rows[i].ErrorMessage));
        }

        Assert.Equal(4, await Inventory.CountAsync(_db.Admin,
            "select count(*) from booking.bookings where guest_id in ('valid-1', 'valid-2', 'valid-3', 'valid-4')", ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            $"select count(*) from booking.bookings where guest_id in ('unknown-accommodation', 'empty-stay', 'no-guests', '{tooLongGuest}')", ct));
        Assert.Equal(4, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.booking_events where accommodation_id = '{hotel}'", ct));
        Assert.Equal(3, await ReservedAsync(hotel, night, ct));
        Assert.Equal(2, await ReservedAsync(hotel, night.AddDays(1), ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            $"select count(*) from booking.night_inventory where accommodation_id = '{hotel}' and night >= '{night.AddDays(2):yyyy-MM-dd}'", ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Overlapping_stays_in_one_batch_are_granted_in_order_and_the_refusal_names_the_first_full_night()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct);
        var day0 = Booking.Night(10);
        BatchRequest[] requests =
        [
            new(hotel, "first", day0.AddDays(1), day0.AddDays(4)),  // nights 1-3
            new(hotel, "second", day0.AddDays(3), day0.AddDays(5)), // nights 3-4: night 3 is taken by the first
            new(hotel, "third", day0.AddDays(4), day0.AddDays(6)),  // nights 4-5: free once the second is refused
        ];

        // Act
        var rows = await Batch.CreateAsync(_db.App, requests, ct);

        // Assert
        AssertBooked(rows[0], requests[0], "pending");
        AssertRefused(rows[1], SqlState.FullyBooked, $"The only room is taken on {day0.AddDays(3):yyyy-MM-dd}.");
        AssertBooked(rows[2], requests[2], "pending");
        for (var night = 1; night <= 5; night++)
        {
            Assert.Equal(1, await ReservedAsync(hotel, day0.AddDays(night), ct));
        }

        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, "select count(*) from booking.bookings where guest_id = 'second'", ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    // A batch whose rooms all fit is granted in one step; one that overfills a night, or meets a closed night, is
    // decided request by request. These three batches sit on either side of that line.
    [Fact]
    public async Task A_batch_filling_the_last_rooms_exactly_is_granted_whole_and_one_room_more_goes_to_the_earlier_requests()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 3, ct);
        var night = Booking.Night(20);
        await SingleAsync(hotel, "already-there", night, night.AddDays(1), 1, ct);

        // Act: two rooms fill the night exactly (1 + 2 = 3 rooms)
        BatchRequest[] exact =
        [
            new(hotel, "exact-1", night, night.AddDays(2)),
            new(hotel, "exact-2", night.AddDays(-1), night.AddDays(1)),
        ];
        var exactRows = await Batch.CreateAsync(_db.App, exact, ct);

        // Assert
        Assert.All(exactRows, (r, i) => AssertBooked(r, exact[i], "pending"));
        Assert.Equal(3, await ReservedAsync(hotel, night, ct));
        Assert.Equal(1, await ReservedAsync(hotel, night.AddDays(-1), ct));
        Assert.Equal(1, await ReservedAsync(hotel, night.AddDays(1), ct));

        // Act: the next night holds one room; three more ask for it, two fit
        var next = night.AddDays(1);
        BatchRequest[] oneTooMany =
        [
            new(hotel, "more-1", next, next.AddDays(1)),
            new(hotel, "more-2", next, next.AddDays(2)),
            new(hotel, "more-3", next, next.AddDays(1)),
        ];
        var moreRows = await Batch.CreateAsync(_db.App, oneTooMany, ct);

        // Assert
        AssertBooked(moreRows[0], oneTooMany[0], "pending");
        AssertBooked(moreRows[1], oneTooMany[1], "pending");
        AssertRefused(moreRows[2], SqlState.FullyBooked, $"All 3 rooms are taken on {next:yyyy-MM-dd}.");
        Assert.Equal(3, await ReservedAsync(hotel, next, ct));
        Assert.Equal(1, await ReservedAsync(hotel, next.AddDays(1), ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, "select count(*) from booking.bookings where guest_id = 'more-3'", ct));

        // Act: a keyed request on a closed night goes as far as the locks; the rest of its batch fits
        var closed = night.AddDays(10);
        await Staff.CloseAsync(_db.App, hotel, closed, closed.AddDays(1), ct);
        BatchRequest[] closedNight =
        [
            new(hotel, "open-1", closed.AddDays(-1), closed),
            new(hotel, "closed-keyed", closed.AddDays(-1), closed.AddDays(1), IdempotencyKey: "closed-keyed-1"),
            new(hotel, "open-2", closed.AddDays(1), closed.AddDays(2)),
        ];
        var closedRows = await Batch.CreateAsync(_db.App, closedNight, ct);

        // Assert
        AssertBooked(closedRows[0], closedNight[0], "pending");
        AssertRefused(closedRows[1], SqlState.NightClosed, $"This accommodation is closed on {closed:yyyy-MM-dd}: no new bookings that night.");
        AssertBooked(closedRows[2], closedNight[2], "pending");
        Assert.Equal(1, await ReservedAsync(hotel, closed.AddDays(-1), ct));
        Assert.Equal(0, await ReservedAsync(hotel, closed, ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, "select count(*) from booking.bookings where guest_id = 'closed-keyed'", ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task An_idempotency_key_books_once_within_a_batch_replays_later_and_is_refused_for_another_stay_or_after_a_refusal()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 5, ct);
        var single = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct);
        var night = Booking.Night(12);
        var keyed = new BatchRequest(hotel, "retrying-guest", night, night.AddDays(2), IdempotencyKey: "retry-1");

        // Act
        var twice = await Batch.CreateAsync(_db.App, [keyed, keyed], ct);
        var later = await Batch.CreateAsync(_db.App, [keyed, keyed with { CheckOut = night.AddDays(3) }], ct);
        var afterRefusal = await Batch.CreateAsync(_db.App,
        [
            new(single, "first-come", night, night.AddDays(1)),
            new(single, "unlucky", night, night.AddDays(1), IdempotencyKey: "retry-2"),
            new(single, "unlucky", night, night.AddDays(1), IdempotencyKey: "retry-2"),
        ], ct);

        // Assert
        AssertBooked(twice[0], keyed, "pending");
        AssertBooked(twice[1], keyed, "pending");
        Assert.Equal(twice[0].Id, twice[1].Id);
        AssertBooked(later[0], keyed, "pending");
        Assert.Equal(twice[0].Id, later[0].Id);
        AssertRefused(later[1], SqlState.IdempotencyKeyReused, "This idempotency key was already used for a different booking request.");
        Assert.Equal(1, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where accommodation_id = '{hotel}'", ct));
        Assert.Equal(1, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.booking_events where accommodation_id = '{hotel}'", ct));
        Assert.Equal(1, await ReservedAsync(hotel, night, ct));
        Assert.Equal(1, await ReservedAsync(hotel, night.AddDays(1), ct));

        Assert.Null(afterRefusal[0].ErrorCode);
        AssertRefused(afterRefusal[1], SqlState.FullyBooked, $"The only room is taken on {night:yyyy-MM-dd}.");
        AssertRefused(afterRefusal[2], SqlState.FullyBooked, $"The only room is taken on {night:yyyy-MM-dd}.");
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, "select count(*) from booking.bookings where guest_id = 'unlucky'", ct));
        Assert.Equal(1, await ReservedAsync(single, night, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Last_five_rooms_go_to_exactly_five_of_200_requests_in_20_concurrent_batches()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 5, ct);
        var night = Booking.Night(13);

        // Act
        var outcomes = await Race.RunAsync(_db.App, 20, async caller =>
        {
            var rows = await Race.RetryingBusyAsync(() => Batch.CreateAsync(_db.App,
                Enumerable.Range(0, 10).Select(i => new BatchRequest(hotel, $"guest-{caller}-{i}", night, night.AddDays(1))).ToArray(), ct), ct);
            return (booked: rows.Count(r => r.ErrorCode is null), full: rows.Count(r => r.ErrorCode == SqlState.FullyBooked), rows: rows.Count);
        }, ct);

        // Assert
        Assert.All(outcomes, o => Assert.Null(o.SqlState));
        Assert.All(outcomes, o => Assert.Equal(10, o.Value!.Value.rows));
        Assert.Equal(5, outcomes.Sum(o => o.Value!.Value.booked));
        Assert.Equal(195, outcomes.Sum(o => o.Value!.Value.full));
        Assert.Equal(5, await ReservedAsync(hotel, night, ct));
        Assert.Equal(5, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where accommodation_id = '{hotel}'", ct));
        Assert.Equal(5, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.booking_events where accommodation_id = '{hotel}' and event = 'created'", ct));
        Assert.Equal(0, await Booking.AvailabilityAsync(_db.App, hotel, night, night.AddDays(1), ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Sixteen_callers_sending_mixed_batches_of_random_stays_for_ten_seconds_cause_no_deadlock_and_no_drift()
    {
        var ct = TestContext.Current.CancellationToken;
        const int rooms = 10;
        var hotels = new[]
        {
            await Inventory.AddAccommodationAsync(_db.Admin, rooms, ct),
            await Inventory.AddAccommodationAsync(_db.Admin, rooms, ct),
            await Inventory.AddAccommodationAsync(_db.Admin, rooms, ct),
        };
        var until = DateTime.UtcNow.AddSeconds(10);
        var seed = Environment.TickCount;
        TestContext.Current.SendDiagnosticMessage($"seed {seed}");
        var failures = new ConcurrentQueue<string>();

        // Act
        var perCaller = await Race.RunAsync(_db.App, 16, async caller =>
        {
            var random = new Random(seed + caller);
            var (booked, full, other, busy) = (0, 0, 0, 0);
            while (DateTime.UtcNow < until)
            {
                var requests = Enumerable.Range(0, 8).Select(i =>
                {
                    var checkIn = Booking.Night(1 + random.Next(60));
                    return new BatchRequest(hotels[random.Next(hotels.Length)], $"g{caller}-{i}", checkIn, checkIn.AddDays(1 + random.Next(7)));
                }).ToArray();
                try
                {
                    var rows = await Batch.CreateAsync(_db.App, requests, ct, holdTtl: TimeSpan.FromSeconds(random.Next(1, 4)));
                    booked += rows.Count(r => r.ErrorCode is null);
                    full += rows.Count(r => r.ErrorCode == SqlState.FullyBooked);
                    other += rows.Count(r => r.ErrorCode is not (null or SqlState.FullyBooked));
                }
                catch (PostgresException e) when (e.SqlState == SqlState.LockTimeout)
                {
                    // the one failure of a whole call the function documents: busy (a night locked past lock_timeout,
                    // which a slow, loaded machine reaches), nothing written
                    busy++;
                }
                catch (PostgresException e)
                {
                    failures.Enqueue($"{e.SqlState} {e.MessageText}");
                }
            }

            return (booked, full, other, busy);
        }, ct);

        // Assert
        Assert.All(perCaller, o => Assert.Null(o.SqlState));
        Assert.True(failures.IsEmpty, $"{failures.Count} calls failed: {string.Join("; ", failures.Distinct())}");
        Assert.Equal(0, perCaller.Sum(o => o.Value!.Value.other));
        Assert.True(perCaller.Sum(o => o.Value!.Value.booked) > 3 * rooms, "the load must actually book");
        Assert.True(perCaller.Sum(o => o.Value!.Value.full) > 0, "the load must actually hit full nights");
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            $"select deadlocks from pg_stat_database where datname = '{_db.Name}'", ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            $"""
            select count(*) from booking.bookings b
             where b.accommodation_id in ('{hotels[0]}', '{hotels[1]}', '{hotels[2]}')
               and (select count(*) from booking.booking_events e where e.booking_id = b.id and e.event = 'created') <> 1
            """, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task A_request_refused_up_front_for_a_night_already_full_does_not_fail_the_rest_of_its_batch()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct);
        var night = Booking.Night(17);
        await Batch.CreateAsync(_db.App, [new(hotel, "earlier", night, night.AddDays(1))], ct);
        BatchRequest[] requests =
        [
            new(hotel, "free-night", night.AddDays(1), night.AddDays(2)),
            new(hotel, "over-the-full-night", night, night.AddDays(2)),
        ];

        // Act
        var rows = await Batch.CreateAsync(_db.App, requests, ct);

        // Assert
        AssertBooked(rows[0], requests[0], "pending");
        AssertRefused(rows[1], SqlState.FullyBooked, $"The only room is taken on {night:yyyy-MM-dd}.");
        Assert.Equal(1, await ReservedAsync(hotel, night, ct));
        Assert.Equal(1, await ReservedAsync(hotel, night.AddDays(1), ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Every_booking_of_a_batch_gets_its_created_event_when_the_batch_also_refuses_requests_for_a_full_night()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct);
        var night = Booking.Night(18);
        await Batch.CreateAsync(_db.App, [new(hotel, "earlier", night, night.AddDays(1))], ct);
        BatchRequest[] requests =
        [
            new(hotel, "keyed", night, night.AddDays(1), IdempotencyKey: "key-1"), // refused after the night locks
            new(hotel, "unkeyed", night, night.AddDays(1)),                        // refused from the first snapshot
            new(hotel, "free-night", night.AddDays(3), night.AddDays(4)),
        ];

        // Act
        var rows = await Batch.CreateAsync(_db.App, requests, ct);

        // Assert
        AssertRefused(rows[0], SqlState.FullyBooked, $"The only room is taken on {night:yyyy-MM-dd}.");
        AssertRefused(rows[1], SqlState.FullyBooked, $"The only room is taken on {night:yyyy-MM-dd}.");
        AssertBooked(rows[2], requests[2], "pending");
        Assert.Equal(1, await Inventory.CountAsync(_db.Admin,
            $"select count(*) from booking.booking_events where booking_id = '{rows[2].Id}' and event = 'created'", ct));
        Assert.Equal(2, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.booking_events where accommodation_id = '{hotel}'", ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task A_batch_releases_a_stale_hold_on_a_full_night_and_books_in_its_place()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct);
        var night = Booking.Night(14);
        var holdRows = await Batch.CreateAsync(_db.App, [new(hotel, "slow-payer", night, night.AddDays(1))], ct, holdTtl: TimeSpan.FromHours(1));
        var hold = holdRows[0];
        Assert.Null(hold.ErrorCode);
        Assert.Equal(hold.CreatedAt + TimeSpan.FromHours(1), hold.HoldExpiresAt);
        Assert.Equal(0, await Booking.AvailabilityAsync(_db.App, hotel, night, night.AddDays(1), ct));

        // Act: the hold's time runs out (moved rather than waited for: a 1 s hold could run out before the availability
        // call above on a loaded machine)
        await using (var expire = _db.Admin.CreateCommand("update booking.bookings set hold_expires_at = clock_timestamp() - interval '1 second' where id = $1"))
        {
            expire.Parameters.AddWithValue(hold.Id!.Value);
            await expire.ExecuteNonQueryAsync(ct);
        }

        var rows = await Batch.CreateAsync(_db.App, [new(hotel, "next", night, night.AddDays(1))], ct);

        // Assert
        AssertBooked(rows[0], new BatchRequest(hotel, "next", night, night.AddDays(1)), "pending");
        Assert.Equal("expired", await StatusAsync(hold.Id!.Value, ct));
        Assert.Equal(1, await Inventory.CountAsync(_db.Admin,
            $"select count(*) from booking.booking_events where booking_id = '{hold.Id}' and event = 'expired'", ct));
        Assert.Equal(1, await ReservedAsync(hotel, night, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Request_arrays_of_different_lengths_fail_the_whole_call_with_invalid_argument()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 5, ct);
        var night = Booking.Night(15);
        Guid[] accommodations = [hotel, hotel];
        string[] guestIds = ["a", "b"];
        DateOnly[] checkIns = [night, night];
        DateOnly[] checkOuts = [night.AddDays(1)]; // one short
        int[] guests = [1, 1];
        string?[] idempotencyKeys = [null, null];
        await using var cmd = _db.App.CreateCommand("select * from create_bookings($1, $2, $3, $4, $5, $6)");
        cmd.Parameters.AddWithValue(accommodations);
        cmd.Parameters.AddWithValue(guestIds);
        cmd.Parameters.AddWithValue(checkIns);
        cmd.Parameters.AddWithValue(checkOuts);
        cmd.Parameters.AddWithValue(guests);
        cmd.Parameters.AddWithValue(idempotencyKeys);

        // Act
        var error = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync(ct));

        // Assert
        Assert.Equal(SqlState.InvalidArgument, error.SqlState);
        Assert.Equal("Every request array must have the same length.", error.MessageText);
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where accommodation_id = '{hotel}'", ct));
    }

    [Fact]
    public async Task The_application_role_can_call_create_bookings()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 2, ct);
        var night = Booking.Night(16);
        var request = new BatchRequest(hotel, "app-guest", night, night.AddDays(1));
        await using var connection = await _db.App.OpenConnectionAsync(ct);
        await using (var who = new NpgsqlCommand("select current_user, (select rolsuper from pg_roles where rolname = current_user)", connection))
        await using (var reader = await who.ExecuteReaderAsync(ct))
        {
            Assert.True(await reader.ReadAsync(ct));
            Assert.Equal(TestDatabaseServer.AppLogin, reader.GetString(0));
            Assert.False(reader.GetBoolean(1));
        }

        // Act
        var rows = await Batch.CreateAsync(connection, [request], ct, status: "confirmed");

        // Assert
        AssertBooked(Assert.Single(rows), request, "confirmed");
        Assert.Null(rows[0].HoldExpiresAt);
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    private static void AssertBooked(BatchRow row, BatchRequest request, string status)
    {
        Assert.Null(row.ErrorCode);
        Assert.Null(row.ErrorMessage);
        Assert.NotNull(row.Id);
        Assert.Equal(request.AccommodationId, row.AccommodationId);
        Assert.Equal(request.GuestId, row.GuestId);
        Assert.Equal(request.CheckIn, row.CheckIn);
        Assert.Equal(request.CheckOut, row.CheckOut);
        Assert.Equal(request.Guests, row.Guests);
        Assert.Equal(status, row.Status);
        Assert.Equal(status == "pending", row.HoldExpiresAt is not null);
        Assert.Null(row.ItemId);
        Assert.NotNull(row.CreatedAt);
    }

    /// <param name="message">The exact message, or null to only require one.</param>
    private static void AssertRefused(BatchRow row, string sqlState, string? message)
    {
        Assert.Equal(sqlState, row.ErrorCode);
        if (message is null)
        {
            Assert.False(string.IsNullOrEmpty(row.ErrorMessage));
        }
        else
        {
            Assert.Equal(message, row.ErrorMessage);
        }

        Assert.Equal(
            new BatchRow(row.Ordinal, row.ErrorCode, row.ErrorMessage, null, null, null, null, null, null, null, null, null, null),
            row);
    }

    private async Task<Guid> SingleAsync(Guid accommodation, string guest, DateOnly checkIn, DateOnly checkOut, int guests, CancellationToken ct)
    {
        await using var cmd = _db.App.CreateCommand("select create_booking_with_atomic_lock($1, $2, $3, $4, $5)");
        cmd.Parameters.AddWithValue(accommodation);
        cmd.Parameters.AddWithValue(guest);
        cmd.Parameters.AddWithValue(checkIn);
        cmd.Parameters.AddWithValue(checkOut);
        cmd.Parameters.AddWithValue(guests);
        return (Guid)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<long> ReservedAsync(Guid accommodation, DateOnly night, CancellationToken ct) =>
        await Inventory.CountAsync(_db.Admin,
            $"select coalesce((select reserved from booking.night_inventory where accommodation_id = '{accommodation}' and night = '{night:yyyy-MM-dd}'), 0)", ct);

    private async Task<string> StatusAsync(Guid booking, CancellationToken ct)
    {
        await using var cmd = _db.Admin.CreateCommand("select status::text from booking.bookings where id = $1");
        cmd.Parameters.AddWithValue(booking);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>One request of a create_bookings batch.</summary>
internal sealed record BatchRequest(Guid AccommodationId, string GuestId, DateOnly CheckIn, DateOnly CheckOut, int Guests = 1, string? IdempotencyKey = null);

/// <summary>One row create_bookings returns: the booking (ErrorCode null) or the SQLSTATE and message of its refusal.</summary>
internal sealed record BatchRow(
    int Ordinal, string? ErrorCode, string? ErrorMessage, Guid? Id, Guid? AccommodationId, string? GuestId, DateOnly? CheckIn,
    DateOnly? CheckOut, int? Guests, string? Status, DateTime? HoldExpiresAt, Guid? ItemId, DateTime? CreatedAt);

/// <summary>Calls create_bookings the way an RPC client would: one statement, one array parameter per request field.</summary>
internal static class Batch
{
    public static async Task<IReadOnlyList<BatchRow>> CreateAsync(NpgsqlDataSource db, IReadOnlyList<BatchRequest> requests, CancellationToken ct,
        TimeSpan? holdTtl = null, string status = "pending")
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await CreateAsync(connection, requests, ct, holdTtl, status);
    }

    public static async Task<IReadOnlyList<BatchRow>> CreateAsync(NpgsqlConnection connection, IReadOnlyList<BatchRequest> requests, CancellationToken ct,
        TimeSpan? holdTtl = null, string status = "pending")
    {
        await using var cmd = new NpgsqlCommand(
            """
            select ordinal, error_code, error_message, id, accommodation_id, guest_id, check_in, check_out, guests, status,
                   hold_expires_at, item_id, created_at
              from create_bookings($1, $2, $3, $4, $5, $6, $7, $8)
            """, connection);
        cmd.Parameters.AddWithValue(requests.Select(r => r.AccommodationId).ToArray());
        cmd.Parameters.AddWithValue(requests.Select(r => r.GuestId).ToArray());
        cmd.Parameters.AddWithValue(requests.Select(r => r.CheckIn).ToArray());
        cmd.Parameters.AddWithValue(requests.Select(r => r.CheckOut).ToArray());
        cmd.Parameters.AddWithValue(requests.Select(r => r.Guests).ToArray());
        cmd.Parameters.AddWithValue(requests.Select(r => r.IdempotencyKey).ToArray());
        cmd.Parameters.AddWithValue(holdTtl ?? TimeSpan.FromMinutes(15));
        cmd.Parameters.AddWithValue(status);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<BatchRow>(requests.Count);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new BatchRow(
                reader.GetInt32(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.IsDBNull(4) ? null : reader.GetGuid(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7),
                reader.IsDBNull(8) ? null : reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTime>(10),
                reader.IsDBNull(11) ? null : reader.GetGuid(11),
                reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTime>(12)));
        }

        return rows;
    }
}

/// <summary>The tests above with the app's connections straight to PostgreSQL.</summary>
public sealed class BatchBookingTests(DatabaseFixture fixture) : BatchBookingTests<DatabaseFixture>(fixture);

/// <summary>The tests above with the app's connections through PgBouncer in transaction mode.</summary>
public sealed class BatchBookingTestsThroughPgBouncer(PgBouncerDatabaseFixture fixture) : BatchBookingTests<PgBouncerDatabaseFixture>(fixture);
