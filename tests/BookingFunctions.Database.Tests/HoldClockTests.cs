using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

/// <summary>
/// A hold is judged by the clock of the statement that looks at it, not by the start of the caller's transaction
/// (now()): a transaction begun before a hold expired must neither confirm it nor keep counting it afterwards.
/// </summary>
public sealed class HoldClockTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static readonly TimeSpan ShortHold = TimeSpan.FromSeconds(1);
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task A_confirm_in_a_transaction_begun_before_the_hold_expired_is_judged_late_once_it_has_expired()
    {
        // Late is judged by the statement's clock: the confirm cannot pass as "in time" because its transaction began
        // before the expiry, so it has to take the room again, and the room went to someone else meanwhile.
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct, items: 1);
        var night = Booking.Night(150);
        var hold = await Booking.CreateAsync(_db.App, hotel, "late-payer", night, night.AddDays(2), ct, holdTtl: ShortHold);
        await using var connection = await _db.App.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ScalarAsync(connection, "select now()", ct);
        await WaitUntilExpiredAsync(hold, ct);
        await Booking.CreateAsync(_db.App, hotel, "next-guest", night, night.AddDays(1), ct);

        // Act
        var confirm = await Booking.SqlStateOf(() => ScalarAsync(connection, "select confirm_booking($1)", ct, hold));

        // Assert
        Assert.Equal(SqlState.HoldExpired, confirm);
        await transaction.RollbackAsync(ct);
        Assert.Equal("expired", await Inventory.StatusAsync(_db.Admin, hold, ct));
    }

    [Fact]
    public async Task Every_call_in_a_transaction_begun_before_a_hold_expired_treats_it_as_expired_once_it_has()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct, items: 1);
        var night = Booking.Night(152);
        var hold = await Booking.CreateAsync(_db.App, hotel, "late-payer", night, night.AddDays(2), ct, holdTtl: ShortHold);
        await using var connection = await _db.App.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ScalarAsync(connection, "select now()", ct);
        await WaitUntilExpiredAsync(hold, ct);

        // Act: each in a savepoint, so one refusal does not end the transaction for the next
        var shown = await StepAsync(connection, "select status from get_booking($1)", ct, hold);
        var available = await StepAsync(connection, "select check_availability_with_lock($1, $2, $3)", ct, hotel, night, night.AddDays(2));
        var assign = await StepAsync(connection, "select assign_accommodation_item_atomically($1)", ct, hold);
        var audit = await StepAsync(connection, "select count(*) from check_for_double_bookings()", ct);
        var booked = await StepAsync(connection, "select create_booking_with_atomic_lock($1, 'next-guest', $2, $3) is not null", ct, hotel, night, night.AddDays(2));
        await transaction.CommitAsync(ct);

        // Assert
        Assert.Equal("expired", shown);
        Assert.Equal("1", available);
        Assert.Equal(SqlState.HoldExpired, assign);
        Assert.Equal("0", audit);
        Assert.Equal("True", booked);
        Assert.Equal("expired", await Inventory.StatusAsync(_db.Admin, hold, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    [Fact]
    public async Task Expire_stale_holds_in_a_transaction_begun_before_the_expiry_releases_the_hold()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 1, ct);
        var night = Booking.Night(154);
        var hold = await Booking.CreateAsync(_db.App, hotel, "late-payer", night, night.AddDays(1), ct, holdTtl: ShortHold);
        await using var connection = await _db.App.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ScalarAsync(connection, "select now()", ct);
        await WaitUntilExpiredAsync(hold, ct);

        // Act
        var expired = await ScalarAsync(connection, "select expire_stale_holds()", ct);
        await transaction.CommitAsync(ct);

        // Assert
        // expire_stale_holds releases every stale hold of the database: other tests of this class leave short holds too
        Assert.True(Convert.ToInt32(expired, System.Globalization.CultureInfo.InvariantCulture) >= 1, $"{expired} holds expired");
        Assert.Equal("expired", await Inventory.StatusAsync(_db.Admin, hold, ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    /// <summary>Until the database's own clock has passed the hold's expiry (bounded; no sleep-and-hope).</summary>
    private async Task WaitUntilExpiredAsync(Guid hold, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await using var cmd = _db.Admin.CreateCommand("select clock_timestamp() > hold_expires_at from booking.bookings where id = $1");
        cmd.Parameters.AddWithValue(hold);
        while (!(bool)(await cmd.ExecuteScalarAsync(deadline.Token))!)
        {
            await Task.Delay(100, deadline.Token);
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var a in args)
        {
            cmd.Parameters.AddWithValue(a);
        }

        return await cmd.ExecuteScalarAsync(ct);
    }

    /// <summary>The answer as text, or the SQLSTATE it failed with; a failure is rolled back to a savepoint.</summary>
    private static async Task<string?> StepAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] args)
    {
        await ScalarAsync(connection, "savepoint step", ct);
        try
        {
            var answer = Convert.ToString(await ScalarAsync(connection, sql, ct, args), System.Globalization.CultureInfo.InvariantCulture);
            await ScalarAsync(connection, "release savepoint step", ct);
            return answer;
        }
        catch (PostgresException e)
        {
            await ScalarAsync(connection, "rollback to savepoint step", ct);
            return e.SqlState;
        }
    }
}
