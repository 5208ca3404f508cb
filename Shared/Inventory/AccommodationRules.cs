namespace BookingFunctions.Inventory;

/// <summary>
/// The limits create_accommodation / update_accommodation enforce, checked first so a bad request costs no connection
/// and names its field. Whether a time zone is a real IANA zone is the database's call (pg_timezone_names).
/// </summary>
internal static class AccommodationRules
{
    public const int MaxNameLength = 200;
    public const int MaxCapacity = 100_000;
    public const int MaxTimeZoneLength = 64;

    public static void CheckName(string? name, Dictionary<string, string[]> errors, bool required)
    {
        if (name is null)
        {
            if (required)
            {
                errors["name"] = ["name is required."];
            }
        }
        else if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength)
        {
            errors["name"] = [$"name must have 1 to {MaxNameLength} characters."];
        }
    }

    public static void CheckCapacity(int? capacity, Dictionary<string, string[]> errors)
    {
        if (capacity is < 0 or > MaxCapacity)
        {
            errors["capacity"] = [$"capacity must be 0 to {MaxCapacity} rooms, or null for unlimited."];
        }
    }

    public static void CheckMaxGuests(int? maxGuests, Dictionary<string, string[]> errors, bool required)
    {
        if (maxGuests is null)
        {
            if (required)
            {
                errors["maxGuests"] = ["maxGuests is required."];
            }
        }
        else if (maxGuests is < Bookings.StayRules.MinGuests or > Bookings.StayRules.MaxGuests)
        {
            errors["maxGuests"] = [$"maxGuests must be between {Bookings.StayRules.MinGuests} and {Bookings.StayRules.MaxGuests}."];
        }
    }

    public static void CheckTimeZone(string? timeZone, Dictionary<string, string[]> errors, bool required)
    {
        if (timeZone is null)
        {
            if (required)
            {
                errors["timeZone"] = ["timeZone is required (an IANA time zone, e.g. Europe/Lisbon)."];
            }
        }
        else if (string.IsNullOrWhiteSpace(timeZone) || timeZone.Length > MaxTimeZoneLength)
        {
            errors["timeZone"] = ["timeZone must be an IANA time zone, e.g. Europe/Lisbon."];
        }
    }
}
