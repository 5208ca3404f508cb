using Npgsql;
using NpgsqlTypes;

namespace BookingFunctions.Database.Tests;

/// <summary>Calls the SQL API the way an RPC client would: one statement, parameters, no string building.</summary>
internal static class Booking
{
    public static DateOnly Today { get; } = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>A night far enough ahead that no test depends on the time of day.</summary>
    public static DateOnly Night(int daysAhead) => Today.AddDays(daysAhead);

    public static async Task<Guid> CreateAsync(NpgsqlDataSource db, Guid accommodation, string guest, DateOnly checkIn, DateOnly checkOut,
        CancellationToken ct, string? idempotencyKey = null, TimeSpan? holdTtl = null, string status = "pending")
    {
        await using var cmd = db.CreateCommand(
            "select create_booking_with_atomic_lock($1, $2, $3, $4, 1, $5, $6, $7)");
        cmd.Parameters.AddWithValue(accommodation);
        cmd.Parameters.AddWithValue(guest);
        cmd.Parameters.AddWithValue(checkIn);
        cmd.Parameters.AddWithValue(checkOut);
        cmd.Parameters.AddWithValue(holdTtl ?? TimeSpan.FromMinutes(15));
        cmd.Parameters.AddWithValue(status);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)idempotencyKey ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return (Guid)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<int> AvailabilityAsync(NpgsqlDataSource db, Guid accommodation, DateOnly checkIn, DateOnly checkOut, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select check_availability_with_lock($1, $2, $3)");
        cmd.Parameters.AddWithValue(accommodation);
        cmd.Parameters.AddWithValue(checkIn);
        cmd.Parameters.AddWithValue(checkOut);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<Guid> AssignItemAsync(NpgsqlDataSource db, Guid booking, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select assign_accommodation_item_atomically($1)");
        cmd.Parameters.AddWithValue(booking);
        return (Guid)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<string> LifecycleAsync(NpgsqlDataSource db, string function, Guid booking, CancellationToken ct)
    {
        // function is one of a fixed set chosen by the test, never input
        await using var cmd = db.CreateCommand(function switch
        {
            "confirm" => "select confirm_booking($1)",
            "cancel" => "select cancel_booking($1)",
            _ => throw new ArgumentOutOfRangeException(nameof(function)),
        });
        cmd.Parameters.AddWithValue(booking);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public static async Task<int> ExpireStaleHoldsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select expire_stale_holds()");
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Runs the call and returns the SQLSTATE it failed with, or null when it succeeded.</summary>
    public static async Task<string?> SqlStateOf(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (PostgresException e)
        {
            return e.SqlState;
        }
    }
}
