using BookingFunctions.Testing;
using Xunit;

namespace BookingFunctions.Database.Tests;

public abstract class ConcurrentBookingTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : DatabaseFixture
{
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task Last_five_rooms_go_to_exactly_five_of_200_concurrent_callers()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 5, ct);
        var night = Booking.Night(30);

        // Act
        var outcomes = await Race.RunAsync(_db.App, 200,
            i => Race.RetryingBusyAsync(() => Booking.CreateAsync(_db.App, hotel, $"guest-{i}", night, night.AddDays(1), ct), ct), ct);

        // Assert
        Assert.Equal(5, outcomes.Count(o => o.Value is not null));
        Assert.Equal(195, outcomes.Count(o => o.SqlState == SqlState.FullyBooked));
        Assert.Equal(5, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where accommodation_id = '{hotel}'", ct));
        Assert.Equal(0, await Booking.AvailabilityAsync(_db.App, hotel, night, night.AddDays(1), ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Fifty_concurrent_calls_with_one_idempotency_key_make_one_booking_and_all_get_its_id()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 10, ct);
        var night = Booking.Night(31);

        // Act
        var outcomes = await Race.RunAsync(_db.App, 50,
            _ => Race.RetryingBusyAsync(() => Booking.CreateAsync(_db.App, hotel, "same-guest", night, night.AddDays(2), ct, idempotencyKey: "retry-123"), ct), ct);

        // Assert
        Assert.All(outcomes, o => Assert.Null(o.SqlState));
        Assert.Single(outcomes.Select(o => o.Value).Distinct());
        Assert.Equal(1, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where accommodation_id = '{hotel}'", ct));
        Assert.Equal(9, await Booking.AvailabilityAsync(_db.App, hotel, night, night.AddDays(2), ct));
    }

    [Fact]
    public async Task An_idempotency_key_reused_for_another_stay_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 10, ct);
        var night = Booking.Night(32);
        await Booking.CreateAsync(_db.App, hotel, "guest-k", night, night.AddDays(1), ct, idempotencyKey: "k1");

        // Act
        var state = await Booking.SqlStateOf(() =>
            Booking.CreateAsync(_db.App, hotel, "guest-k", night, night.AddDays(2), ct, idempotencyKey: "k1"));

        // Assert
        Assert.Equal(SqlState.IdempotencyKeyReused, state);
    }

    [Fact]
    public async Task Sixty_four_clients_booking_random_stays_for_twenty_seconds_cause_no_deadlock_and_no_oversold_night()
    {
        var ct = TestContext.Current.CancellationToken;
        const int rooms = 8;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms, ct);
        var until = DateTime.UtcNow.AddSeconds(20);
        var seed = Environment.TickCount;
        TestContext.Current.SendDiagnosticMessage($"seed {seed}");

        // Act
        var perClient = await Race.RunAsync(_db.App, 64, async client =>
        {
            var random = new Random(seed + client);
            var (booked, full, busy) = (0, 0, 0);
            var unexpected = new List<string>();
            while (DateTime.UtcNow < until)
            {
                var checkIn = Booking.Night(1 + random.Next(60));
                var state = await Booking.SqlStateOf(() =>
                    Booking.CreateAsync(_db.App, hotel, $"g{client}", checkIn, checkIn.AddDays(1 + random.Next(7)), ct,
                        holdTtl: TimeSpan.FromSeconds(random.Next(1, 4))));
                switch (state)
                {
                    case null: booked++; break;
                    case SqlState.FullyBooked: full++; break;
                    // The documented "busy, retry" answer: a night stayed locked past the function's lock_timeout, which
                    // a slow, loaded machine reaches with 64 callers on one hotel. It is not a deadlock and writes nothing.
                    case SqlState.LockTimeout: busy++; break;
                    default: unexpected.Add(state); break;
                }
            }

            return (booked, full, busy, unexpected);
        }, ct);

        // Assert
        Assert.All(perClient, o => Assert.Null(o.SqlState));
        var results = perClient.Select(o => o.Value!.Value).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"seed {seed}: booked {results.Sum(r => r.booked)}, full {results.Sum(r => r.full)}, busy {results.Sum(r => r.busy)}");
        Assert.Empty(results.SelectMany(r => r.unexpected));
        Assert.True(results.Sum(r => r.booked) > rooms, "the load must actually book");
        Assert.True(results.Sum(r => r.full) > 0, "the load must actually hit full nights");
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            $"select deadlocks from pg_stat_database where datname = '{_db.Name}'", ct));
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin,
            $"""
            select count(*) from (
              select b.check_in + i as night
                from booking.bookings b cross join lateral generate_series(0, b.check_out - b.check_in - 1) i
               where b.accommodation_id = '{hotel}'
                 and (b.status = 'confirmed' or (b.status = 'pending' and b.hold_expires_at > now()))
               group by 1 having count(*) > {rooms}) oversold
            """, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }
}

/// <summary>The tests above with the app's connections straight to PostgreSQL.</summary>
public sealed class ConcurrentBookingTests(DatabaseFixture fixture) : ConcurrentBookingTests<DatabaseFixture>(fixture);

/// <summary>The tests above with the app's connections through PgBouncer in transaction mode.</summary>
public sealed class ConcurrentBookingTestsThroughPgBouncer(PgBouncerDatabaseFixture fixture) : ConcurrentBookingTests<PgBouncerDatabaseFixture>(fixture);
