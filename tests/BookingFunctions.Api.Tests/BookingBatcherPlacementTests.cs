using System.Runtime.Versioning;
using BookingFunctions.Bookings;
using BookingFunctions.Testing;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The batcher and create_bookings' "send this request alone" (BKR02): while a room of an accommodation retires on a
/// future date, its bookings must get their room when they are made, which only the single call can do (it locks the
/// accommodation first). The batcher resends those requests alone, so concurrent creates still book.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class BookingBatcherPlacementTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private TestDatabase Db => fixture.Database;

    [Fact]
    public async Task Requests_that_leave_in_one_batch_for_an_accommodation_with_a_room_retiring_later_are_each_booked_alone_with_a_room()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 10, items: 10, ct: ct);
        var stay = Arrange.Stay(daysAhead: 30, nights: 2);
        await RetireAsync(accommodation, "room 010", stay.CheckOut.AddDays(5), ct);
        var log = new FakeLogger<BookingBatcher>();
        // A pool of one connection the test holds: the worker claims at most one request and waits for it, so the
        // others queue up and leave together as the next create_bookings call.
        await using var pool = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(Db.AppConnectionString) { MaxPoolSize = 1, Timeout = 60 }.ConnectionString);
        var options = new BookingOptions { ConcurrentBatches = 1, MaxBatchSize = 64 };
        await using var batcher = new BookingBatcher(TestDatabaseCalls.For(pool, options), Options.Create(options), log);
        var held = await pool.OpenConnectionAsync(ct);

        // Act
        var calls = Enumerable.Range(0, 8)
            .Select(_ => batcher.CreateAsync(new NewBooking(accommodation, TestTokens.NewGuest(), stay.CheckIn, stay.CheckOut, 1, null), ct))
            .ToList();
        await held.DisposeAsync();
        var booked = await Task.WhenAll(calls);

        // Assert
        Assert.Equal(8, booked.Select(b => b.Id).Distinct().Count());
        Assert.All(booked, b => Assert.NotNull(b.ItemId));
        // each holds a room of its own now (a later placement may have moved an earlier booking: item_moved)
        var rooms = await RoomsAsync(booked.Select(b => b.Id).ToArray(), ct);
        Assert.Equal(8, rooms.Where(r => r.Item is not null).Select(r => r.Item).Distinct().Count());
        TestContext.Current.TestOutputHelper?.WriteLine($"item_moved events: {rooms.Sum(r => r.Moves)}");
        Assert.InRange(batcher.BatchesSent, 1, 2);
        var alone = log.Collector.GetSnapshot().Where(r => r.Message.Contains("go alone", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(alone);
        Assert.InRange(alone.Sum(r => int.Parse(r.StructuredState!.Single(s => s.Key == "Count").Value!, System.Globalization.CultureInfo.InvariantCulture)), 7, 8);
        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    [Fact]
    public async Task Concurrent_creates_through_the_batcher_on_a_room_type_with_a_retiring_room_book_up_to_its_rooms_and_refuse_the_rest_in_words()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 3, items: 3, ct: ct);
        var stay = Arrange.Stay(daysAhead: 40, nights: 1);
        await RetireAsync(accommodation, "room 003", stay.CheckIn.AddDays(10), ct);
        var options = new BookingOptions { ConcurrentBatches = 2 };
        await using var batcher = new BookingBatcher(TestDatabaseCalls.For(Db.App, options), Options.Create(options), new FakeLogger<BookingBatcher>());

        // Act
        var calls = Enumerable.Range(0, 30)
            .Select(_ => batcher.CreateAsync(new NewBooking(accommodation, TestTokens.NewGuest(), stay.CheckIn, stay.CheckOut, 1, null), ct))
            .ToList();
        await Task.WhenAll(calls.Select(c => c.ContinueWith(static _ => { }, ct, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));

        // Assert
        var booked = calls.Where(c => c.IsCompletedSuccessfully).Select(c => c.Result).ToList();
        Assert.Equal(3, booked.Count);
        Assert.Equal(3, (await RoomsAsync(booked.Select(b => b.Id).ToArray(), ct)).Where(r => r.Item is not null).Select(r => r.Item).Distinct().Count());
        foreach (var refused in calls.Where(c => !c.IsCompletedSuccessfully))
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => refused);
            Assert.Equal(("BK001", $"All 3 rooms are taken on {Api.Date(stay.CheckIn)}."), (error.SqlState, error.MessageText));
        }

        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    private async Task<List<(Guid Id, Guid? Item, long Moves)>> RoomsAsync(Guid[] bookings, CancellationToken ct)
    {
        await using var connection = await Db.Admin.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<(Guid, Guid?, long)>(new CommandDefinition(
            """
            select b.id, b.item_id,
                   (select count(*) from booking.booking_events e where e.booking_id = b.id and e.event = 'item_moved')
              from booking.bookings b where b.id = any(@bookings)
            """, new { bookings }, cancellationToken: ct))).ToList();
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
