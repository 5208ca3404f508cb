using System.Runtime.Versioning;
using BookingFunctions.Bookings;
using BookingFunctions.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The batcher on its own, against a database of its own, logged in as the restricted app role: concurrent
/// requests share create_bookings calls, yet each caller gets its own booking or its own error; a caller that
/// gives up while queued is never sent; disposing drains the queue and then refuses.
/// </summary>
[UnsupportedOSPlatform("windows")]
public abstract class BookingBatcherTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : DatabaseFixture
{
    private TestDatabase Db => fixture.Database;

    private static BookingBatcher Batcher(NpgsqlDataSource dataSource, int concurrentBatches, int maxBatchSize = 64)
    {
        var options = new BookingOptions { ConcurrentBatches = concurrentBatches, MaxBatchSize = maxBatchSize };
        return new(TestDatabaseCalls.For(dataSource, options), Options.Create(options), NullLogger<BookingBatcher>.Instance);
    }

    private static NewBooking Request(Guid accommodation, (DateOnly CheckIn, DateOnly CheckOut) stay, string? guest = null, string? key = null) =>
        new(accommodation, guest ?? TestTokens.NewGuest(), stay.CheckIn, stay.CheckOut, Guests: 2, key);

    /// <summary>
    /// The app role with a pool of exactly one connection. While a test holds that connection, the batcher's worker
    /// waits in OpenConnectionAsync with at most one claimed batch, however the threads are scheduled: the gate
    /// depends on no timing (the wait for a pooled connection only ends when the test releases it, or after 60 s).
    /// </summary>
    private NpgsqlDataSource OneConnectionAppPool() =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Db.AppConnectionString) { MaxPoolSize = 1, Timeout = 60 }.ConnectionString);

    private async Task<int> BookingsOfGuestAsync(string guest, CancellationToken ct)
    {
        await using var connection = await Db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from booking.bookings where guest_id = @guest", new { guest }, cancellationToken: ct));
    }

    [Fact]
    public async Task Sixty_four_concurrent_requests_share_fewer_calls_and_each_caller_gets_its_own_booking()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 1000, ct: ct);
        var stay = Arrange.Stay(daysAhead: 40, nights: 2);
        var requests = Enumerable.Range(0, 64).Select(_ => Request(accommodation, stay)).ToList();
        await using var batcher = Batcher(Db.App, concurrentBatches: 1);

        // Act
        var calls = requests.Select(r => batcher.CreateAsync(r, ct)).ToList();
        var rows = await Task.WhenAll(calls);

        // Assert
        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal((requests[i].GuestId, accommodation, stay.CheckIn, stay.CheckOut, "pending"),
                (rows[i].GuestId, rows[i].AccommodationId, rows[i].CheckIn, rows[i].CheckOut, rows[i].Status));
        }

        Assert.Equal(64, rows.Select(r => r.Id).Distinct().Count());
        Assert.Equal(64, batcher.RequestsSent);
        Assert.InRange(batcher.BatchesSent, 1, 63);
        Assert.Equal(64, await Arrange.BookingCountAsync(Db, accommodation, ct));
        TestContext.Current.TestOutputHelper?.WriteLine($"64 requests in {batcher.BatchesSent} create_bookings calls");
    }

    [Fact]
    public async Task Forty_concurrent_requests_for_the_last_night_of_three_rooms_book_exactly_three_and_refuse_37_with_BK001()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 3, ct: ct);
        var stay = Arrange.Stay(daysAhead: 50, nights: 1);
        await using var batcher = Batcher(Db.App, concurrentBatches: 2);

        // Act
        var calls = Enumerable.Range(0, 40).Select(_ => batcher.CreateAsync(Request(accommodation, stay), ct)).ToList();
        await Task.WhenAll(calls.Select(c => c.ContinueWith(static _ => { }, ct, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));

        // Assert
        var booked = calls.Where(c => c.IsCompletedSuccessfully).Select(c => c.Result).ToList();
        Assert.Equal(3, booked.Count);
        Assert.Equal(3, booked.Select(r => r.Id).Distinct().Count());
        var refused = calls.Where(c => !c.IsCompletedSuccessfully).ToList();
        Assert.Equal(37, refused.Count);
        foreach (var call in refused)
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => call);
            Assert.Equal(("BK001", $"All 3 rooms are taken on {Api.Date(stay.CheckIn)}."), (error.SqlState, error.MessageText));
        }

        Assert.Equal(40, batcher.RequestsSent);
        Assert.Equal(3, await Arrange.BookingCountAsync(Db, accommodation, ct));
        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    [Fact]
    public async Task Refused_requests_in_a_batch_get_their_own_errors_and_do_not_fail_the_valid_one_sharing_their_call()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 5, ct: ct);
        var stay = Arrange.Stay(daysAhead: 60, nights: 2);
        var valid = Request(accommodation, stay);
        var unknown = Request(Guid.NewGuid(), stay);
        var backwards = Request(accommodation, (stay.CheckOut, stay.CheckIn));
        await using var longLockWaits = await LongLockWaits.BeginAsync(Db, ct);

        // A first request that waits on a night row the admin holds locked keeps the single worker busy, so the three
        // requests under test are all queued before it is free again and leave together as the next call.
        var blockedAccommodation = await Arrange.AccommodationAsync(Db, rooms: 5, ct: ct);
        var blockedStay = Arrange.Stay(daysAhead: 61, nights: 1);
        await Arrange.BookingAsync(Db, blockedAccommodation, blockedStay.CheckIn, blockedStay.CheckOut, ct: ct);
        await using var batcher = Batcher(Db.App, concurrentBatches: 1);
        await using var admin = await Db.Admin.OpenConnectionAsync(ct);
        await using var lockTransaction = await admin.BeginTransactionAsync(ct);
        await admin.ExecuteAsync(new CommandDefinition(
            "select 1 from booking.night_inventory where accommodation_id = @blockedAccommodation for update",
            new { blockedAccommodation }, lockTransaction, cancellationToken: ct));
        var blocked = batcher.CreateAsync(Request(blockedAccommodation, blockedStay), ct);
        await WaitForALockWaitAsync(blocked, ct);

        // Act
        var calls = new[] { batcher.CreateAsync(valid, ct), batcher.CreateAsync(unknown, ct), batcher.CreateAsync(backwards, ct) };
        await lockTransaction.CommitAsync(ct);
        await blocked;
        var booked = await calls[0];

        // Assert
        Assert.Equal((valid.GuestId, accommodation, "pending"), (booked.GuestId, booked.AccommodationId, booked.Status));
        Assert.Equal("pending", await Arrange.StatusAsync(Db, booked.Id, ct));
        var notFound = await Assert.ThrowsAsync<PostgresException>(() => calls[1]);
        Assert.Equal(("BK002", "This accommodation does not exist."), (notFound.SqlState, notFound.MessageText));
        var invalid = await Assert.ThrowsAsync<PostgresException>(() => calls[2]);
        Assert.Equal(("BK003", "Check-out must be after check-in."), (invalid.SqlState, invalid.MessageText));
        Assert.Equal((2L, 4L), (batcher.BatchesSent, batcher.RequestsSent));
        Assert.Equal(1, await Arrange.BookingCountAsync(Db, accommodation, ct));
        Assert.Equal(0, await BookingsOfGuestAsync(backwards.GuestId, ct));
        Assert.Equal(0, await BookingsOfGuestAsync(unknown.GuestId, ct));
    }

    [Fact]
    public async Task A_backend_terminated_while_it_carried_a_batch_fails_none_of_the_requests_in_that_batch()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 50, ct: ct);
        var stay = Arrange.Stay(daysAhead: 100, nights: 1);
        await Arrange.BookingAsync(Db, accommodation, stay.CheckIn, stay.CheckOut, ct: ct);
        var blockedAccommodation = await Arrange.AccommodationAsync(Db, rooms: 5, ct: ct);
        var blockedStay = Arrange.Stay(daysAhead: 101, nights: 1);
        await Arrange.BookingAsync(Db, blockedAccommodation, blockedStay.CheckIn, blockedStay.CheckOut, ct: ct);
        // half with an Idempotency-Key, half without: neither kind may be failed by a backend that died under its batch
        var requests = Enumerable.Range(0, 10).Select(i => Request(accommodation, stay, key: i % 2 == 0 ? Guid.NewGuid().ToString() : null)).ToList();
        await using var longLockWaits = await LongLockWaits.BeginAsync(Db, ct);
        await using var batcher = Batcher(Db.App, concurrentBatches: 1);
        await using var firstLocker = await Db.Admin.OpenConnectionAsync(ct);
        await using var firstLock = await firstLocker.BeginTransactionAsync(ct);
        await firstLocker.ExecuteAsync(new CommandDefinition("select 1 from booking.night_inventory where accommodation_id = @blockedAccommodation for update",
            new { blockedAccommodation }, firstLock, cancellationToken: ct));
        await using var batchLocker = await Db.Admin.OpenConnectionAsync(ct);
        await using var batchLock = await batchLocker.BeginTransactionAsync(ct);
        await batchLocker.ExecuteAsync(new CommandDefinition("select 1 from booking.night_inventory where accommodation_id = @accommodation for update",
            new { accommodation }, batchLock, cancellationToken: ct));
        // The single worker is busy with a first request held up by a locked night, so the ten are all queued when it
        // is free again and leave together as one create_bookings call, which then waits on the second lock.
        var blocked = batcher.CreateAsync(Request(blockedAccommodation, blockedStay), ct);
        await WaitForALockWaitAsync(blocked, ct);
        var calls = requests.Select(r => batcher.CreateAsync(r, ct)).ToList();
        await firstLock.CommitAsync(ct);
        await blocked;
        var batchBackend = await LockWaiters.FirstAsync(Db, "create_bookings", ct);

        // Act
        var terminated = await firstLocker.ExecuteScalarAsync<bool>(new CommandDefinition("select pg_terminate_backend(@batchBackend)",
            new { batchBackend }, cancellationToken: ct));
        await batchLock.CommitAsync(ct);
        await Task.WhenAll(calls.Select(c => c.ContinueWith(static _ => { }, ct, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));

        // Assert
        var failed = calls.Where(c => !c.IsCompletedSuccessfully).Select(c => c.Exception?.InnerException?.Message).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"one terminated backend failed {failed.Count} of the {calls.Count} requests of its batch");
        Assert.True(terminated);
        Assert.True(failed.Count == 0, $"{failed.Count} of {calls.Count} failed: {string.Join("; ", failed.Distinct())}");
        foreach (var request in requests)
        {
            Assert.Equal(1, await BookingsOfGuestAsync(request.GuestId, ct));
        }

        Assert.Equal(2L, batcher.BatchesSent);
        Assert.Equal(11, await Arrange.BookingCountAsync(Db, accommodation, ct));
        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    /// <summary>
    /// Until an app-role statement of this test database waits for a lock (the locked night row). The tests that use
    /// it raise the functions' lock_timeout (<see cref="LongLockWaits"/>): a slow machine must not end that wait first.
    /// </summary>
    private async Task WaitForALockWaitAsync(Task blocked, CancellationToken ct)
    {
        await using var connection = await Db.Admin.OpenConnectionAsync(ct);
        while (!blocked.IsCompleted && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                   """
                   select exists (select from pg_stat_activity
                                   where datname = current_database() and usename = @login and wait_event_type = 'Lock')
                   """, new { login = TestDatabaseServer.AppLogin }, cancellationToken: ct)))
        {
            await Task.Delay(5, ct);
        }

        Assert.False(blocked.IsCompleted, "the first request was not held up by the locked night row");
    }

    [Fact]
    public async Task The_same_key_sent_ten_times_at_once_books_once_and_every_caller_gets_that_booking_and_another_stay_is_BK007()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 50, ct: ct);
        var stay = Arrange.Stay(daysAhead: 70, nights: 3);
        var guest = TestTokens.NewGuest();
        var key = Guid.NewGuid().ToString();
        await using var batcher = Batcher(Db.App, concurrentBatches: 2);

        // Act
        var rows = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => batcher.CreateAsync(Request(accommodation, stay, guest, key), ct)));

        // Assert
        Assert.Single(rows.Select(r => r.Id).Distinct());
        Assert.All(rows, r => Assert.Equal((guest, accommodation), (r.GuestId, r.AccommodationId)));
        Assert.Equal(1, await Arrange.BookingCountAsync(Db, accommodation, ct));

        // Act
        var reused = await Assert.ThrowsAsync<PostgresException>(() =>
            batcher.CreateAsync(Request(accommodation, (stay.CheckIn, stay.CheckOut.AddDays(1)), guest, key), ct));

        // Assert
        Assert.Equal(("BK007", "This idempotency key was already used for a different booking request."), (reused.SqlState, reused.MessageText));
        Assert.Equal(1, await Arrange.BookingCountAsync(Db, accommodation, ct));
        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    [Fact]
    public async Task A_caller_cancelled_while_queued_gets_a_cancelled_task_and_its_request_is_never_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 100, ct: ct);
        var stay = Arrange.Stay(daysAhead: 80, nights: 2);
        var requests = Enumerable.Range(0, 30).Select(_ => Request(accommodation, stay)).ToList();
        const int Cancelled = 20;
        await using var pool = OneConnectionAppPool();
        await using var batcher = Batcher(pool, concurrentBatches: 1, maxBatchSize: 1);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(ct);

        // Why this cannot flake: the test holds the pool's only connection until after the cancel. One worker with
        // batches of one claims at most one request (the head of the FIFO queue, request 0) and then waits in
        // OpenConnectionAsync for that connection, whenever it is scheduled. So request 20 is certainly still queued
        // when the cancel runs, and the
        // cancel (its callbacks included) has completed before the connection is released.
        var held = await pool.OpenConnectionAsync(ct);
        var calls = new List<Task<BookingResponse>>();
        try
        {
            // Act
            for (var i = 0; i < requests.Count; i++)
            {
                calls.Add(batcher.CreateAsync(requests[i], i == Cancelled ? giveUp.Token : ct));
                if (i == Cancelled)
                {
                    await giveUp.CancelAsync();
                }
            }

            // CreateAsync answers a single room of the batcher's order, so its task ends a continuation after the queued
            // request's: awaited here, while the connection is still held, it shows the request was dropped before any
            // batch could leave
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calls[Cancelled]);
            Assert.True(calls[Cancelled].IsCanceled);
        }
        finally
        {
            await held.DisposeAsync();
        }

        // Assert
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calls[Cancelled]);
        var others = calls.Where((_, i) => i != Cancelled).ToList();
        var rows = await Task.WhenAll(others);
        Assert.Equal(29, rows.Select(r => r.Id).Distinct().Count());
        Assert.Equal((29L, 29L), (batcher.BatchesSent, batcher.RequestsSent));
        Assert.Equal(0, await BookingsOfGuestAsync(requests[Cancelled].GuestId, ct));
        Assert.Equal(29, await Arrange.BookingCountAsync(Db, accommodation, ct));
    }

    [Fact]
    public async Task Disposing_sends_what_is_queued_and_then_refuses_new_requests_with_ObjectDisposedException()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 100, ct: ct);
        var stay = Arrange.Stay(daysAhead: 90, nights: 2);
        var late = Request(accommodation, stay);
        await using var pool = OneConnectionAppPool();
        await using var batcher = Batcher(pool, concurrentBatches: 1, maxBatchSize: 4);

        // While the test holds the pool's only connection the worker cannot finish its first call (see
        // OneConnectionAppPool), so at most the first batch of 4 has left the queue when disposal starts and the other
        // requests are certainly still queued: they complete only because disposing drains the queue.
        var held = await pool.OpenConnectionAsync(ct);
        List<Task<BookingResponse>> calls;
        Task disposing;
        try
        {
            calls = Enumerable.Range(0, 10).Select(_ => batcher.CreateAsync(Request(accommodation, stay), ct)).ToList();

            // Act
            disposing = batcher.DisposeAsync().AsTask();

            // Assert
            Assert.False(disposing.IsCompleted);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => batcher.CreateAsync(late, ct));
        }
        finally
        {
            await held.DisposeAsync();
        }

        await disposing;
        var rows = await Task.WhenAll(calls);
        Assert.Equal(10, rows.Select(r => r.Id).Distinct().Count());
        Assert.Equal(10, batcher.RequestsSent);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => batcher.CreateAsync(late, ct));
        Assert.Equal(10, await Arrange.BookingCountAsync(Db, accommodation, ct));
        Assert.Equal(0, await BookingsOfGuestAsync(late.GuestId, ct));
    }
}

/// <summary>The tests above with the app's connections straight to PostgreSQL.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class BookingBatcherTests(DatabaseFixture fixture) : BookingBatcherTests<DatabaseFixture>(fixture);

/// <summary>The tests above with the app's connections through PgBouncer in transaction mode.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class BookingBatcherTestsThroughPgBouncer(PgBouncerDatabaseFixture fixture) : BookingBatcherTests<PgBouncerDatabaseFixture>(fixture);
