namespace BookingFunctions.Bench;

/// <summary>The bench-only SQL files (bench/sql, copied beside the binary) and the statements the clients send.</summary>
public static class BenchSql
{
    public static string File(string name) =>
        System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "sql", name));

    // Each client call is one statement in its own implicit transaction, as the API sends it.
    public const string CreateBooking =
        "select public.create_booking_with_atomic_lock($1, $2, $3, $4, 1, interval '15 minutes', 'pending', $5)";

    public const string CheckAvailability = "select public.check_availability_with_lock($1, $2, $3)";

    public const string OriginalCreateBooking = "select bench_original.create_booking($1, $2, $3, $4)";

    public const string UpdateRandomRow = "update bench_ceiling.random_rows set n = n + 1 where id = $1";

    public const string UpdateHotRow = "update bench_ceiling.hot_row set n = n + 1 where id = 1";

    public const string InsertAccommodation =
        "insert into booking.accommodations (name, total_inventory) values (@Name, @Capacity) returning id";

    /// <summary>W4: the whole-history audit, and the monitor's audit from yesterday (UTC) on.</summary>
    public const string AuditWholeHistory = "select count(*) from public.check_for_double_bookings()";

    public const string AuditFromYesterday = "select count(*) from public.check_for_double_bookings((now() at time zone 'UTC')::date - 1)";

    public const string Audit =
        "select issue, accommodation_id as AccommodationId, night, booked, capacity from public.check_for_double_bookings()";
}
