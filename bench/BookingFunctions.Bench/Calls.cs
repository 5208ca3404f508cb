using BookingFunctions.Bookings;
using Npgsql;

namespace BookingFunctions.Bench;

/// <summary>The one-statement calls clients make; parameters typed so Npgsql can auto-prepare them.</summary>
public static class Calls
{
    /// <summary>
    /// The product path, as the HTTP host books: the request joins the next create_bookings call of the
    /// database's BookingBatcher; with <paramref name="oneCallEach"/>, one create_booking_with_atomic_lock call
    /// instead (the "-call" rows). A refusal throws the request's own PostgresException (BK001 …).
    /// </summary>
    public static Task BookAsync(
        BenchDatabase db, Guid accommodation, string guest, DateOnly checkIn, DateOnly checkOut, string? idempotencyKey,
        CancellationToken ct, bool oneCallEach = false) =>
        oneCallEach
            ? CreateBookingAsync(db.DataSource, accommodation, guest, checkIn, checkOut, idempotencyKey, ct)
            : db.Batcher.CreateAsync(new NewBooking(accommodation, guest, checkIn, checkOut, 1, idempotencyKey), ct);

    /// <summary>"one call per booking", or the batcher's mean batch size, for the note of a row.</summary>
    public static string PathSummary(BenchDatabase db, bool oneCallEach) => oneCallEach ? "one call per booking" : db.BatchSummary;

    /// <summary>The product path for availability, as the HTTP host asks: the question joins the next check_availability_many.</summary>
    public static Task<int> AskAvailabilityAsync(BenchDatabase db, Guid accommodation, DateOnly checkIn, DateOnly checkOut, CancellationToken ct) =>
        db.Availability.AvailabilityAsync(new AvailabilityQuery(accommodation, checkIn, checkOut), ct);

    /// <summary>One create_booking_with_atomic_lock call per booking (the "-call" rows).</summary>
    public static async Task CreateBookingAsync(
        NpgsqlDataSource dataSource, Guid accommodation, string guest, DateOnly checkIn, DateOnly checkOut, string? idempotencyKey,
        CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(BenchSql.CreateBooking);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = accommodation });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = guest });
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = checkIn });
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = checkOut });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)idempotencyKey ?? DBNull.Value });
        await command.ExecuteScalarAsync(ct);
    }

    public static async Task<int> CheckAvailabilityAsync(
        NpgsqlDataSource dataSource, Guid accommodation, DateOnly checkIn, DateOnly checkOut, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(BenchSql.CheckAvailability);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = accommodation });
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = checkIn });
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = checkOut });
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    public static async Task OriginalCreateBookingAsync(
        NpgsqlDataSource dataSource, Guid accommodation, string guest, DateOnly checkIn, DateOnly checkOut, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(BenchSql.OriginalCreateBooking);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = accommodation });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = guest });
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = checkIn });
        command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = checkOut });
        await command.ExecuteScalarAsync(ct);
    }

    /// <summary>A random stay of 1-7 nights arriving within the next year (W1, W3, W5, original design).</summary>
    public static (DateOnly CheckIn, DateOnly CheckOut) RandomStay(Random random)
    {
        var checkIn = BenchContext.Tomorrow.AddDays(random.Next(0, 365));
        return (checkIn, checkIn.AddDays(random.Next(1, 8)));
    }
}
