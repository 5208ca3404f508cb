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
    public const string ConfirmBooking = "confirm_booking_returning";
    public const string CreateBookingGroup = "create_booking_group";
    public const string GetBookingGroup = "get_booking_group";
    public const string ConfirmBookingGroup = "confirm_booking_group";
    public const string CancelBookingGroup = "cancel_booking_group";
    public const string CancelBooking = "cancel_booking";
    public const string GetBooking = "get_booking";
    public const string ExpireStaleHolds = "expire_stale_holds";
    public const string CheckForDoubleBookings = "check_for_double_bookings";
    public const string SchemaVersion = "booking_schema_version";
    public const string GetAccommodation = "get_accommodation";
    public const string ListAccommodations = "list_accommodations";
    public const string CreateAccommodation = "create_accommodation";
    public const string UpdateAccommodation = "update_accommodation";
    public const string ListAccommodationItems = "list_accommodation_items";
    public const string AddAccommodationItem = "add_accommodation_item";
    public const string SetItemRetirement = "set_item_retirement";
    public const string ListClosures = "list_closures";
    public const string AddClosure = "add_closure";
    public const string RemoveClosure = "remove_closure";
    public const string AccommodationCalendar = "accommodation_calendar";
    public const string AccommodationNightBookings = "accommodation_night_bookings";
    public const string SearchAvailability = "search_availability";
    public const string ListGuestBookings = "list_guest_bookings";
}
