using BookingFunctions.Testing;
using Npgsql;
using Xunit;

namespace BookingFunctions.Database.Tests;

/// <summary>
/// expire_stale_holds runs in the monitor's background pass: a hold whose rows another session holds locked (a
/// booker mid-transaction, a confirm in flight) is left for the next pass, and the rest of the batch is expired.
/// One busy hold must never roll back the whole batch.
/// </summary>
public sealed class ExpireSkipLockedTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly TestDatabase _db = fixture.Database;

    [Fact]
    public async Task Expire_stale_holds_skips_holds_whose_rows_another_session_has_locked_and_expires_the_rest()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await Inventory.AddAccommodationAsync(_db.Admin, rooms: 10, ct);
        var night = Booking.Night(160);
        var holds = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            holds.Add(await Booking.CreateAsync(_db.App, hotel, $"stale-{i}", night.AddDays(i), night.AddDays(i + 1), ct, holdTtl: TimeSpan.FromMilliseconds(1)));
        }

        await WaitUntilAllExpiredAsync(ct);
        // one session holds the night row of hold 0 (a booker mid-transaction), another the booking row of hold 3 (a confirm)
        await using var nightLocker = await _db.Admin.OpenConnectionAsync(ct);
        await using var nightLock = await nightLocker.BeginTransactionAsync(ct);
        await ExecuteAsync(nightLocker, "select 1 from booking.night_inventory where accommodation_id = $1 and night = $2 for update", ct, hotel, night);
        await using var rowLocker = await _db.Admin.OpenConnectionAsync(ct);
        await using var rowLock = await rowLocker.BeginTransactionAsync(ct);
        await ExecuteAsync(rowLocker, "select 1 from booking.bookings where id = $1 for update", ct, holds[3]);

        // Act
        var firstPass = await Booking.SqlStateOf(async () => Assert.Equal(3, await Booking.ExpireStaleHoldsAsync(_db.App, ct)));
        var statusesWhileLocked = await StatusesAsync(holds, ct);
        await nightLock.RollbackAsync(ct);
        await rowLock.RollbackAsync(ct);
        var secondPass = await Booking.ExpireStaleHoldsAsync(_db.App, ct);

        // Assert
        Assert.Null(firstPass);
        Assert.Equal(["pending", "expired", "expired", "pending", "expired"], statusesWhileLocked);
        Assert.Equal(2, secondPass);
        Assert.All(await StatusesAsync(holds, ct), s => Assert.Equal("expired", s));
        Assert.Equal(10, await Booking.AvailabilityAsync(_db.App, hotel, night, night.AddDays(5), ct));
        Assert.Empty(await Inventory.AuditAsync(_db.App, ct));
    }

    private async Task WaitUntilAllExpiredAsync(CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (await Inventory.CountAsync(_db.Admin,
                   "select count(*) from booking.bookings where status = 'pending' and hold_expires_at >= clock_timestamp()", deadline.Token) > 0)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private async Task<string[]> StatusesAsync(List<Guid> holds, CancellationToken ct)
    {
        var statuses = new string[holds.Count];
        for (var i = 0; i < holds.Count; i++)
        {
            statuses[i] = await Inventory.StatusAsync(_db.Admin, holds[i], ct);
        }

        return statuses;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var a in args)
        {
            cmd.Parameters.AddWithValue(a);
        }

        await cmd.ExecuteNonQueryAsync(ct);
    }
}
