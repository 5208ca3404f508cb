using System.Runtime.Versioning;
using BookingFunctions.Bookings;
using BookingFunctions.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// Groups through the batcher (issue 13): a group of rooms is one request of a batch, booked all or none beside the
/// single bookings sharing its create_bookings call; a refused group writes nothing and fails no one else; a group
/// whose room type has a room retiring later goes alone through create_booking_group; a batch never carries more rooms
/// than MaxBatchSize and never splits a group.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class BookingBatcherGroupTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private TestDatabase Db => fixture.Database;

    private static BookingBatcher Batcher(NpgsqlDataSource dataSource, int concurrentBatches, int maxBatchSize = 64,
        Microsoft.Extensions.Logging.ILogger<BookingBatcher>? log = null)
    {
        var options = new BookingOptions { ConcurrentBatches = concurrentBatches, MaxBatchSize = maxBatchSize };
        return new(TestDatabaseCalls.For(dataSource, options), Options.Create(options), log ?? NullLogger<BookingBatcher>.Instance);
    }

    /// <summary>See BookingBatcherTests: while the test holds the only connection, every request queues behind the first.</summary>
    private NpgsqlDataSource OneConnectionAppPool() =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Db.AppConnectionString) { MaxPoolSize = 1, Timeout = 60 }.ConnectionString);

    private static RoomStay Room(Guid accommodation, DateOnly checkIn, int nights) => new(accommodation, checkIn, checkIn.AddDays(nights), 1);

    [Fact]
    public async Task One_hundred_concurrent_groups_and_singles_through_the_batcher_book_whole_groups_only_and_never_oversell_a_night()
    {
        var ct = TestContext.Current.CancellationToken;
        int[] capacities = [4, 6, 8];
        var accommodations = new List<Guid>();
        foreach (var capacity in capacities)
        {
            accommodations.Add(await Arrange.AccommodationAsync(Db, rooms: capacity, ct: ct));
        }

        var first = Arrange.Today.AddDays(20);
        var random = new Random(13);
        // groups of 2-5 rooms and singles over overlapping 1-3 night stays in a 6-night window: far more asked than there is
        var groups = Enumerable.Range(0, 60).Select(_ => BookingOrder.Group(TestTokens.NewGuest(),
            Enumerable.Range(0, random.Next(2, 6)).Select(_ => Room(accommodations[random.Next(3)], first.AddDays(random.Next(0, 4)), random.Next(1, 4))).ToList(),
            random.Next(2) == 0 ? Guid.NewGuid().ToString() : null)).ToList();
        var singles = Enumerable.Range(0, 40).Select(_ => BookingOrder.One(new NewBooking(accommodations[random.Next(3)], TestTokens.NewGuest(),
            first.AddDays(random.Next(0, 4)), first.AddDays(random.Next(4, 6)), 1, null))).ToList();
        var orders = groups.Concat(singles).OrderBy(_ => random.Next()).ToList();
        await using var batcher = Batcher(Db.App, concurrentBatches: 2);

        // Act
        var calls = orders.Select(o => batcher.BookAsync(o, ct)).ToList();
        await Task.WhenAll(calls.Select(c => c.ContinueWith(static _ => { }, ct, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));

        // Assert
        var booked = 0;
        for (var i = 0; i < orders.Count; i++)
        {
            var order = orders[i];
            var rows = await BookingsOfGuestAsync(order.GuestId, ct);
            if (calls[i].IsCompletedSuccessfully)
            {
                var answer = await calls[i];
                Assert.Equal(order.Rooms, answer.Bookings.Select(b => new RoomStay(b.AccommodationId, b.CheckIn, b.CheckOut, b.Guests)));
                Assert.Equal(order.Rooms.Count, rows.Count);
                Assert.All(rows, r => Assert.Equal(answer.GroupId, r.GroupId));
                Assert.Equal(order.IsGroup, answer.GroupId is not null);
                booked += rows.Count;
            }
            else
            {
                // refused: all or none, so none; in words, naming the night (and for a group the room type)
                var error = await Assert.ThrowsAsync<PostgresException>(() => calls[i]);
                Assert.Equal("BK001", error.SqlState);
                Assert.Contains("taken on", error.MessageText, StringComparison.Ordinal);
                Assert.Empty(rows);
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{calls.Count(c => c.IsCompletedSuccessfully)} of {orders.Count} orders booked ({booked} rooms) in {batcher.BatchesSent} calls");
        Assert.InRange(calls.Count(c => c.IsCompletedSuccessfully), 1, orders.Count - 1);
        Assert.Equal(orders.Count, batcher.RequestsSent);
        Assert.Equal(booked, await Arrange.TotalBookingCountAsync(Db, ct) - await OtherBookingsAsync(accommodations, ct));
        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
        Assert.Equal(0, await EmptyGroupsAsync(ct));
    }

    [Fact]
    public async Task A_group_that_does_not_fit_refuses_all_its_rooms_and_writes_nothing_while_the_singles_of_its_batch_are_booked()
    {
        var ct = TestContext.Current.CancellationToken;
        var roomy = await Arrange.AccommodationAsync(Db, rooms: 10, ct: ct);
        var full = await Arrange.AccommodationAsync(Db, rooms: 1, ct: ct);
        var stay = Arrange.Stay(daysAhead: 45, nights: 2);
        await Arrange.BookingAsync(Db, full, stay.CheckIn.AddDays(1), stay.CheckOut, ct: ct);
        var group = BookingOrder.Group(TestTokens.NewGuest(), [Room(roomy, stay.CheckIn, 2), Room(roomy, stay.CheckIn, 2), Room(full, stay.CheckIn, 2)],
            Guid.NewGuid().ToString());
        var singles = Enumerable.Range(0, 3).Select(_ => new NewBooking(roomy, TestTokens.NewGuest(), stay.CheckIn, stay.CheckOut, 1, null)).ToList();
        await using var pool = OneConnectionAppPool();
        await using var batcher = Batcher(pool, concurrentBatches: 1);
        var held = await pool.OpenConnectionAsync(ct);

        // Act: the worker claims what is queued when it wakes and waits for the held connection; whatever it did not
        // claim leaves together afterwards, so the group shares a create_bookings call with at least one single
        var firstSingle = batcher.CreateAsync(singles[0], ct);
        var refused = batcher.BookAsync(group, ct);
        var others = singles.Skip(1).Select(s => batcher.CreateAsync(s, ct)).ToList();
        await held.DisposeAsync();
        var booked = await Task.WhenAll(others.Prepend(firstSingle));

        // Assert
        var error = await Assert.ThrowsAsync<PostgresException>(() => refused);
        Assert.Equal("BK001", error.SqlState);
        Assert.Equal($"{await NameAsync(full, ct)}: The only room is taken on {Api.Date(stay.CheckIn.AddDays(1))}.", error.MessageText);
        Assert.Equal(3, booked.Select(b => b.Id).Distinct().Count());
        // the first single left alone, or (if the worker woke only after more were queued) with the others
        Assert.InRange(batcher.BatchesSent, 1L, 2L);
        Assert.Equal(4L, batcher.RequestsSent);
        Assert.Empty(await BookingsOfGuestAsync(group.GuestId, ct));
        Assert.Equal(0, await GroupsOfGuestAsync(group.GuestId, ct));
        Assert.Equal(3, await Arrange.BookingCountAsync(Db, roomy, ct));
        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    [Fact]
    public async Task A_batch_carries_at_most_MaxBatchSize_rooms_and_never_splits_a_group()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 100, ct: ct);
        var stay = Arrange.Stay(daysAhead: 50, nights: 1);
        var groups = Enumerable.Range(0, 4)
            .Select(_ => BookingOrder.Group(TestTokens.NewGuest(), Enumerable.Range(0, 3).Select(_ => Room(accommodation, stay.CheckIn, 1)).ToList(), null))
            .ToList();
        await using var pool = OneConnectionAppPool();
        await using var batcher = Batcher(pool, concurrentBatches: 1, maxBatchSize: 4);
        var held = await pool.OpenConnectionAsync(ct);

        // Act: the first single waits for the held connection while the four groups of three queue behind it
        var first = batcher.CreateAsync(new NewBooking(accommodation, TestTokens.NewGuest(), stay.CheckIn, stay.CheckOut, 1, null), ct);
        var calls = groups.Select(g => batcher.BookAsync(g, ct)).ToList();
        await held.DisposeAsync();
        await first;
        var answers = await Task.WhenAll(calls);

        // Assert: 3 + 3 rooms would exceed 4, so each group leaves in a batch of its own, whole (the first single may
        // have left alone or, if the worker woke only after the first group was queued, with it: 1 + 3 rooms)
        Assert.InRange(batcher.BatchesSent, 4L, 5L);
        Assert.Equal(5L, batcher.RequestsSent);
        Assert.All(answers, a => Assert.Equal(3, a.Bookings.Select(b => b.Id).Distinct().Count()));
        Assert.Equal(13, await Arrange.BookingCountAsync(Db, accommodation, ct));
    }

    [Fact]
    public async Task A_group_on_a_room_type_with_a_room_retiring_later_goes_alone_through_create_booking_group_and_gets_its_rooms()
    {
        var ct = TestContext.Current.CancellationToken;
        var retiring = await Arrange.AccommodationAsync(Db, rooms: 5, items: 5, ct: ct);
        var plain = await Arrange.AccommodationAsync(Db, rooms: 5, ct: ct);
        var stay = Arrange.Stay(daysAhead: 55, nights: 2);
        await RetireAsync(retiring, "room 005", stay.CheckOut.AddDays(5), ct);
        var group = BookingOrder.Group(TestTokens.NewGuest(), [Room(retiring, stay.CheckIn, 2), Room(plain, stay.CheckIn, 2), Room(retiring, stay.CheckIn, 1)],
            Guid.NewGuid().ToString());
        var log = new FakeLogger<BookingBatcher>();
        await using var pool = OneConnectionAppPool();
        await using var batcher = Batcher(pool, concurrentBatches: 1, log: log);
        var held = await pool.OpenConnectionAsync(ct);

        // Act
        var first = batcher.CreateAsync(new NewBooking(plain, TestTokens.NewGuest(), stay.CheckIn, stay.CheckOut, 1, null), ct);
        var grouped = batcher.BookAsync(group, ct);
        var single = batcher.CreateAsync(new NewBooking(plain, TestTokens.NewGuest(), stay.CheckIn, stay.CheckOut, 1, null), ct);
        await held.DisposeAsync();
        await Task.WhenAll(first, single);
        var answer = await grouped;

        // Assert
        Assert.NotNull(answer.GroupId);
        Assert.Equal(3, answer.Bookings.Count);
        Assert.All(answer.Bookings.Where(b => b.AccommodationId == retiring), b => Assert.NotNull(b.ItemId));
        Assert.Contains(log.Collector.GetSnapshot(), r => r.Message.Contains("go alone", StringComparison.Ordinal));
        Assert.Equal(3, (await BookingsOfGuestAsync(group.GuestId, ct)).Count);
        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    [Fact]
    public async Task A_backend_terminated_under_a_batch_with_groups_resends_each_keyed_group_alone_and_books_it_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 50, ct: ct);
        var stay = Arrange.Stay(daysAhead: 110, nights: 1);
        await Arrange.BookingAsync(Db, accommodation, stay.CheckIn, stay.CheckOut, ct: ct);
        var groups = Enumerable.Range(0, 4)
            .Select(_ => BookingOrder.Group(TestTokens.NewGuest(), [Room(accommodation, stay.CheckIn, 1), Room(accommodation, stay.CheckIn, 1)], Guid.NewGuid().ToString()))
            .ToList();
        await using var longLockWaits = await LongLockWaits.BeginAsync(Db, ct);
        await using var batcher = Batcher(Db.App, concurrentBatches: 1);
        var blockedAccommodation = await Arrange.AccommodationAsync(Db, rooms: 5, ct: ct);
        var blockedStay = Arrange.Stay(daysAhead: 111, nights: 1);
        await Arrange.BookingAsync(Db, blockedAccommodation, blockedStay.CheckIn, blockedStay.CheckOut, ct: ct);
        await using var firstLocker = await Db.Admin.OpenConnectionAsync(ct);
        await using var firstLock = await firstLocker.BeginTransactionAsync(ct);
        await firstLocker.ExecuteAsync(new CommandDefinition("select 1 from booking.night_inventory where accommodation_id = @blockedAccommodation for update",
            new { blockedAccommodation }, firstLock, cancellationToken: ct));
        await using var batchLocker = await Db.Admin.OpenConnectionAsync(ct);
        await using var batchLock = await batchLocker.BeginTransactionAsync(ct);
        await batchLocker.ExecuteAsync(new CommandDefinition("select 1 from booking.night_inventory where accommodation_id = @accommodation for update",
            new { accommodation }, batchLock, cancellationToken: ct));
        var blocked = batcher.CreateAsync(new NewBooking(blockedAccommodation, TestTokens.NewGuest(), blockedStay.CheckIn, blockedStay.CheckOut, 1, null), ct);
        await LockWaiters.FirstAsync(Db, null, ct);
        var calls = groups.Select(g => batcher.BookAsync(g, ct)).ToList();
        await firstLock.CommitAsync(ct);
        await blocked;
        var batchBackend = await LockWaiters.FirstAsync(Db, "create_bookings", ct);

        // Act
        await firstLocker.ExecuteAsync(new CommandDefinition("select pg_terminate_backend(@batchBackend)", new { batchBackend }, cancellationToken: ct));
        await batchLock.CommitAsync(ct);
        var answers = await Task.WhenAll(calls);

        // Assert
        Assert.All(answers, a => Assert.Equal(2, a.Bookings.Count));
        foreach (var group in groups)
        {
            Assert.Equal(2, (await BookingsOfGuestAsync(group.GuestId, ct)).Count);
        }

        Assert.Equal(9, await Arrange.BookingCountAsync(Db, accommodation, ct));
        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    private async Task<List<(Guid Id, Guid? GroupId)>> BookingsOfGuestAsync(string guest, CancellationToken ct)
    {
        await using var connection = await Db.Admin.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<(Guid, Guid?)>(new CommandDefinition(
            "select id, group_id from booking.bookings where guest_id = @guest", new { guest }, cancellationToken: ct))).ToList();
    }

    private async Task<int> GroupsOfGuestAsync(string guest, CancellationToken ct)
    {
        await using var connection = await Db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from booking.booking_groups where guest_id = @guest", new { guest }, cancellationToken: ct));
    }

    /// <summary>Groups left without a booking: a refused group must leave no row behind.</summary>
    private async Task<int> EmptyGroupsAsync(CancellationToken ct)
    {
        await using var connection = await Db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from booking.booking_groups g where not exists (select from booking.bookings b where b.group_id = g.id)",
            cancellationToken: ct));
    }

    private async Task<int> OtherBookingsAsync(IReadOnlyList<Guid> accommodations, CancellationToken ct)
    {
        await using var connection = await Db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from booking.bookings where not (accommodation_id = any(@accommodations))",
            new { accommodations = accommodations.ToArray() }, cancellationToken: ct));
    }

    private async Task<string> NameAsync(Guid accommodation, CancellationToken ct)
    {
        await using var connection = await Db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "select name from booking.accommodations where id = @accommodation", new { accommodation }, cancellationToken: ct)) ?? "";
    }

    private async Task RetireAsync(Guid accommodation, string label, DateOnly from, CancellationToken ct)
    {
        await using var connection = await Db.Admin.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            select * from set_item_retirement(@accommodation,
              (select id from booking.accommodation_items where accommodation_id = @accommodation and label = @label), @from, 'test')
            """, new { accommodation, label, from }, cancellationToken: ct));
    }
}
