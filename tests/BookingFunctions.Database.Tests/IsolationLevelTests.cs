using System.Collections.Concurrent;
using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

/// <summary>
/// The functions decide under READ COMMITTED: each statement sees what committed before it, and a row locked after a
/// wait is read in its newest version. A session whose default is REPEATABLE READ or SERIALIZABLE (a role or
/// database setting, a pooler's connection options) would turn those waits into raw serialization failures (40001)
/// and the item assignment's re-check into exclusion violations (23P01). Every function that decides refuses such a
/// transaction at once with BK011; the read-only ones answer from their one snapshot at any level.
/// </summary>
public sealed class IsolationLevelTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string NotReadCommitted = "BK011";
    private static readonly string[] RawConcurrencyErrors = ["40001", "40P01", "23P01", "23505"];
    private readonly TestDatabase _db = fixture.Database;

    /// <summary>The app role, with a session default isolation level as a role or database setting would give it.</summary>
    private NpgsqlDataSource AppAt(string level) => NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_db.AppConnectionString)
    {
        Options = $"-c default_transaction_isolation={level.Replace(" ", "\\ ", StringComparison.Ordinal)}",
        MaxPoolSize = 64,
    }.ConnectionString);

    [Fact]
    public async Task Ten_seconds_of_mixed_calls_at_a_repeatable_read_session_default_hand_callers_no_raw_serialization_or_exclusion_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 3, ct, items: 3);
        var first = Booking.Night(120);
        await using var app = AppAt("repeatable read");
        var states = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var bookings = new ConcurrentBag<Guid>();
        // A few bookings made at READ COMMITTED, so the repeatable-read callers also meet existing rows to change.
        for (var i = 0; i < 6; i++)
        {
            bookings.Add(await Booking.CreateAsync(_db.App, hotel, $"seed-{i}", first.AddDays(i % 3), first.AddDays(i % 3 + 1), ct));
        }

        var before = await Inventory.CountAsync(_db.Admin, "select count(*) from booking.bookings", ct);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        // Act: 24 clients mixing every call on one small hotel, so they contend on the same night, booking and item rows
        await Task.WhenAll(Enumerable.Range(0, 24).Select(client => Task.Run(async () =>
        {
            var rng = new Random(client);
            while (!stop.IsCancellationRequested)
            {
                var checkIn = first.AddDays(rng.Next(0, 4));
                var known = bookings.ToArray();
                var target = known[rng.Next(known.Length)];
                var op = rng.Next(7);
                var state = await Booking.SqlStateOf(async () =>
                {
                    switch (op)
                    {
                        case 0:
                        case 1:
                            bookings.Add(await Booking.CreateAsync(app, hotel, $"rr-{client}", checkIn, checkIn.AddDays(rng.Next(1, 3)), ct,
                                idempotencyKey: rng.Next(3) == 0 ? $"k{rng.Next(20)}" : null));
                            break;
                        case 2:
                            await Booking.LifecycleAsync(app, "confirm", target, ct);
                            break;
                        case 3:
                            await Booking.LifecycleAsync(app, "cancel", target, ct);
                            break;
                        case 4:
                            await Booking.AssignItemAsync(app, target, ct);
                            break;
                        case 5:
                            await Booking.ExpireStaleHoldsAsync(app, ct);
                            break;
                        default:
                            await Booking.AvailabilityAsync(app, hotel, checkIn, checkIn.AddDays(2), ct);
                            break;
                    }
                });
                states.AddOrUpdate(state ?? "ok", 1, (_, n) => n + 1);
            }
        }, ct)));

        // Assert
        var summary = string.Join(", ", states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));
        TestContext.Current.TestOutputHelper?.WriteLine($"repeatable read soak: {summary}");
        Assert.True(!RawConcurrencyErrors.Any(states.ContainsKey), $"raw concurrency errors reached callers: {summary}");
        Assert.True(states.GetValueOrDefault(NotReadCommitted) > 0, $"no call was refused with {NotReadCommitted}: {summary}");
        Assert.True(states.GetValueOrDefault("ok") > 0, $"not even the reads answered: {summary}");
        Assert.Equal(before, await Inventory.CountAsync(_db.Admin, "select count(*) from booking.bookings", ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Theory]
    [InlineData("repeatable read")]
    [InlineData("serializable")]
    public async Task Every_function_that_decides_refuses_a_transaction_that_is_not_read_committed_and_writes_nothing(string level)
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 3, ct, items: 3);
        var night = Booking.Night(130);
        var booking = await Booking.CreateAsync(_db.App, hotel, "rc-guest", night, night.AddDays(1), ct);
        var stale = await Booking.CreateAsync(_db.App, hotel, "stale-guest", night, night.AddDays(1), ct, holdTtl: TimeSpan.FromMilliseconds(1));
        await using var app = AppAt(level);
        (string Name, Func<Task> Call)[] decisions =
        [
            ("create_booking_with_atomic_lock", () => Booking.CreateAsync(app, hotel, "rr-guest", night, night.AddDays(2), ct)),
            ("create_booking_returning", () => ScalarAsync(app, "select id from create_booking_returning($1, 'rr-guest', $2, $3)", ct, hotel, night, night.AddDays(2))),
            ("create_bookings", () => ScalarAsync(app,
                "select error_code from create_bookings(array[$1], array['rr-guest'], array[$2], array[$3], array[1], array[null::text])", ct, hotel, night, night.AddDays(2))),
            ("confirm_booking", () => Booking.LifecycleAsync(app, "confirm", booking, ct)),
            ("cancel_booking", () => Booking.LifecycleAsync(app, "cancel", booking, ct)),
            ("assign_accommodation_item_atomically", () => Booking.AssignItemAsync(app, booking, ct)),
            ("expire_stale_holds", () => Booking.ExpireStaleHoldsAsync(app, ct)),
        ];
        var before = await Inventory.CountAsync(_db.Admin, "select count(*) from booking.bookings", ct);

        // Act
        var refused = new List<string>();
        foreach (var (name, call) in decisions)
        {
            refused.Add($"{name}: {await Booking.SqlStateOf(call) ?? "accepted"}");
        }

        var available = await Booking.AvailabilityAsync(app, hotel, night, night.AddDays(1), ct);
        var audit = await Inventory.AuditAsync(app, ct);

        // Assert
        Assert.All(refused, r => Assert.EndsWith($": {NotReadCommitted}", r, StringComparison.Ordinal));
        Assert.Equal(2, available);
        Assert.Empty(audit);
        Assert.Equal(before, await Inventory.CountAsync(_db.Admin, "select count(*) from booking.bookings", ct));
        Assert.Equal("pending", await Inventory.StatusAsync(_db.Admin, booking, ct));
        Assert.Equal("pending", await Inventory.StatusAsync(_db.Admin, stale, ct));
    }

    [Fact]
    public async Task The_refusal_names_the_isolation_level_and_what_to_change()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 3, ct);
        await using var app = AppAt("repeatable read");

        // Act
        var error = await Assert.ThrowsAsync<PostgresException>(() => Booking.CreateAsync(app, hotel, "g", Booking.Night(140), Booking.Night(141), ct));

        // Assert
        Assert.Equal(NotReadCommitted, error.SqlState);
        Assert.Contains("repeatable read", error.MessageText, StringComparison.Ordinal);
        Assert.Contains("read committed", error.MessageText, StringComparison.Ordinal);
    }

    private static async Task ScalarAsync(NpgsqlDataSource db, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var a in args)
        {
            cmd.Parameters.AddWithValue(a);
        }

        if (await cmd.ExecuteScalarAsync(ct) is string rowError)
        {
            throw new PostgresException("row refusal", "ERROR", "ERROR", rowError);
        }
    }
}
