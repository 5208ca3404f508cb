using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

public sealed class LateConfirmationTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly TimeSpan ShortHold = TimeSpan.FromMilliseconds(300);
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task A_hold_confirmed_after_it_expired_keeps_its_room_when_the_room_is_still_free()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 1, ct);
        var d = Booking.Night(50);
        var unreleased = await Booking.CreateAsync(_db.App, hotel, "slow-payer", d, d.AddDays(1), ct, holdTtl: ShortHold);
        var released = await Booking.CreateAsync(_db.App, hotel, "slower-payer", d.AddDays(1), d.AddDays(2), ct, holdTtl: ShortHold);
        await WaitUntilExpiredAsync([unreleased, released], ct);
        await Booking.ExpireStaleHoldsAsync(_db.App, ct); // both released now: a late confirm takes the nights again

        // Act
        var first = await ConfirmReturningAsync(unreleased, ct);
        var second = await ConfirmReturningAsync(released, ct);
        var again = await ConfirmReturningAsync(released, ct);

        // Assert
        Assert.Equal(("confirmed", true), first);
        Assert.Equal(("confirmed", true), second);
        Assert.Equal(("confirmed", false), again);
        Assert.Equal(0, await Booking.AvailabilityAsync(_db.App, hotel, d, d.AddDays(2), ct));
        Assert.Equal(2, await Inventory.CountAsync(_db.Admin,
            $"select count(*) from booking.booking_events where accommodation_id = '{hotel}' and event = 'confirmed' and (detail ->> 'late')::boolean", ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task A_hold_confirmed_after_it_expired_is_refused_when_someone_else_took_the_room()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 1, ct);
        var d = Booking.Night(52);
        var hold = await Booking.CreateAsync(_db.App, hotel, "slow-payer", d, d.AddDays(2), ct, holdTtl: ShortHold);
        await WaitUntilExpiredAsync([hold], ct);
        await Booking.CreateAsync(_db.App, hotel, "quick", d.AddDays(1), d.AddDays(2), ct); // releases the stale hold, takes the room

        // Act
        PostgresException? refusal = null;
        try
        {
            await ConfirmReturningAsync(hold, ct);
        }
        catch (PostgresException e)
        {
            refusal = e;
        }

        // Assert
        Assert.Equal(SqlState.HoldExpired, refusal?.SqlState);
        Assert.Contains($"the room was taken on {d.AddDays(1):yyyy-MM-dd}", refusal!.MessageText, StringComparison.Ordinal);
        Assert.Equal("expired", await Inventory.StatusAsync(_db.Admin, hold, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Fifty_late_confirmations_race_fifty_new_bookers_for_thirty_rooms_and_the_winners_never_exceed_the_rooms()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 50, ct);
        var d = Booking.Night(54);
        var holds = new List<Guid>();
        for (var i = 0; i < 50; i++)
        {
            holds.Add(await Booking.CreateAsync(_db.App, hotel, $"late-{i}", d, d.AddDays(2), ct, holdTtl: ShortHold));
        }

        await WaitUntilExpiredAsync(holds, ct);
        await Booking.ExpireStaleHoldsAsync(_db.App, ct);
        await Staff.SetCapacityAsync(_db.App, hotel, 30, ct); // 30 rooms for 100 contenders

        // Act
        var outcomes = await Race.RunAsync(_db.App, 100, async i =>
        {
            if (i % 2 == 0)
            {
                await Booking.LifecycleAsync(_db.App, "confirm", holds[i / 2], ct);
                return 1;
            }

            await Booking.CreateAsync(_db.App, hotel, $"new-{i}", d, d.AddDays(2), ct);
            return 2;
        }, ct);

        // Assert
        Assert.All(outcomes, o => Assert.True(o.Value is not null || o.SqlState is SqlState.HoldExpired or SqlState.FullyBooked or SqlState.LockTimeout,
            $"unexpected {o.SqlState}"));
        var winners = outcomes.Count(o => o.Value is not null);
        Assert.True(winners <= 30, $"{winners} winners for 30 rooms");
        if (!outcomes.Any(o => o.SqlState == SqlState.LockTimeout))
        {
            Assert.Equal(30, winners); // nobody gave up waiting: every room went to someone
        }

        TestContext.Current.SendDiagnosticMessage($"late confirmations won {outcomes.Count(o => o.Value == 1)}, new bookers {outcomes.Count(o => o.Value == 2)}");
        Assert.Equal(0, await Booking.AvailabilityAsync(_db.App, hotel, d, d.AddDays(2), ct));
        Assert.Equal(0, await Recount.NightsOverLimitAsync(_db.Admin, hotel, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task A_group_confirmed_late_is_refused_whole_when_one_of_its_rooms_was_taken_and_confirmed_whole_otherwise()
    {
        var ct = TestContext.Current.CancellationToken;
        var doubles = await Staff.CreateAccommodationAsync(_db.App, 2, ct);
        var suite = await Staff.CreateAccommodationAsync(_db.App, 1, ct);
        var d = Booking.Night(58);
        var lost = await Group.CreateAsync(_db.App, "family", [new(doubles, d, d.AddDays(1)), new(suite, d, d.AddDays(1))], ct, holdTtl: ShortHold);
        var kept = await Group.CreateAsync(_db.App, "friends", [new(doubles, d.AddDays(3), d.AddDays(4)), new(suite, d.AddDays(3), d.AddDays(4))],
            ct, holdTtl: ShortHold);
        await WaitUntilExpiredAsync([.. lost.Select(b => b.Id), .. kept.Select(b => b.Id)], ct);
        await Booking.CreateAsync(_db.App, suite, "quick", d, d.AddDays(1), ct); // takes the family's suite

        // Act
        var refused = await Booking.SqlStateOf(() => Group.ConfirmAsync(_db.App, lost[0].GroupId, ct));
        var confirmed = await Group.ConfirmAsync(_db.App, kept[0].GroupId, ct);

        // Assert
        Assert.Equal(SqlState.HoldExpired, refused);
        Assert.Equal(0, await Inventory.CountAsync(_db.Admin, $"select count(*) from booking.bookings where group_id = '{lost[0].GroupId}' and status = 'confirmed'", ct));
        Assert.All(confirmed, b => Assert.Equal(("confirmed", true), (b.Status, b.Flag)));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task A_replayed_key_is_reported_as_a_replay_with_the_bookings_current_status()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Staff.CreateAccommodationAsync(_db.App, 2, ct);
        var d = Booking.Night(60);

        // Act
        var first = await CreateReturningAsync(hotel, d, ct);
        var replay = await CreateReturningAsync(hotel, d, ct);
        await Booking.LifecycleAsync(_db.App, "cancel", first.Id, ct);
        var afterCancel = await CreateReturningAsync(hotel, d, ct);

        // Assert
        Assert.Equal((first.Id, "pending", false), first);
        Assert.Equal((first.Id, "pending", true), replay);
        Assert.Equal((first.Id, "cancelled", true), afterCancel);
    }

    private async Task<(Guid Id, string Status, bool Replayed)> CreateReturningAsync(Guid hotel, DateOnly d, CancellationToken ct)
    {
        await using var cmd = _db.App.CreateCommand(
            "select id, status, replayed from create_booking_returning($1, 'replayer', $2, $3, 1, '15 minutes', 'pending', 'same-key')");
        cmd.Parameters.AddWithValue(hotel);
        cmd.Parameters.AddWithValue(d);
        cmd.Parameters.AddWithValue(d.AddDays(1));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetGuid(0), reader.GetString(1), reader.GetBoolean(2));
    }

    private async Task<(string Status, bool Late)> ConfirmReturningAsync(Guid booking, CancellationToken ct)
    {
        await using var cmd = _db.App.CreateCommand("select status, late from confirm_booking_returning($1)");
        cmd.Parameters.AddWithValue(booking);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetBoolean(1));
    }

    /// <summary>Until the database's own clock has passed every hold's expiry (bounded; polled, never a bare sleep).</summary>
    private async Task WaitUntilExpiredAsync(IReadOnlyList<Guid> holds, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var left = await Inventory.CountAsync(_db.Admin,
                $"select count(*) from booking.bookings where id = any('{{{string.Join(',', holds)}}}'::uuid[]) and hold_expires_at > clock_timestamp()", ct);
            if (left == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "holds did not expire within a minute");
            await Task.Delay(50, ct);
        }
    }
}
