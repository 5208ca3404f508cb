namespace BookingFunctions.Database;

/// <summary>
/// The SQL functions the app calls, by the names the database knows them: span names and the db.function
/// metric tag. One constant per query in sql/queries that calls a function.
/// </summary>
public static class DatabaseFunctions
{
    public const string CreateBooking = "create_booking_returning";
    public const string CreateBookings = "create_bookings";
    public const string CheckAvailability = "check_availability_with_lock";
    public const string CheckAvailabilityMany = "check_availability_many";
    public const string AssignItem = "assign_accommodation_item_atomically";
    public const string ConfirmBooking = "confirm_booking";
    public const string CancelBooking = "cancel_booking";
    public const string GetBooking = "get_booking";
    public const string ExpireStaleHolds = "expire_stale_holds";
    public const string CheckForDoubleBookings = "check_for_double_bookings";
    public const string SchemaVersion = "booking_schema_version";
}
