namespace BookingFunctions.Inventory;

// Rows of the inventory queries (sql/queries); property names are the SQL aliases. Dates and timestamps arrive as
// DateTime (what Npgsql hands Dapper); the responses turn them into DateOnly / DateTimeOffset.

/// <summary>get_accommodation, list_accommodations, create_accommodation, update_accommodation.</summary>
internal sealed class AccommodationRow
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public int? Capacity { get; init; }
    public int MaxGuests { get; init; }
    public string TimeZone { get; init; } = "";
    public int Rooms { get; init; }
    public int RoomsInService { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }
}

/// <summary>
/// list_items, add_item, set_item_retirement. A list answers one row with <see cref="Id"/> null for an accommodation
/// without rooms, and <see cref="AccommodationExists"/> false for an unknown one. <see cref="Moved"/> is jsonb text.
/// </summary>
internal sealed class ItemRow
{
    public bool AccommodationExists { get; init; }
    public Guid? Id { get; init; }
    public string? Label { get; init; }
    public DateTime? RetiredFrom { get; init; }
    public bool? InService { get; init; }
    public DateTime? CreatedAt { get; init; }
    public string? Moved { get; init; }
}

/// <summary>list_closures, add_closure, remove_closure (list rows as in <see cref="ItemRow"/>). <see cref="Bookings"/> is jsonb text.</summary>
internal sealed class ClosureRow
{
    public bool AccommodationExists { get; init; }
    public Guid? Id { get; init; }
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }
    public string? Reason { get; init; }
    public string? CreatedBy { get; init; }
    public DateTime? CreatedAt { get; init; }
    public string? Bookings { get; init; }
}

/// <summary>accommodation_calendar: capacity null and available 9999 for an unlimited accommodation.</summary>
internal sealed class CalendarRow
{
    public DateTime Night { get; init; }
    public int? Capacity { get; init; }
    public int Booked { get; init; }
    public int Available { get; init; }
    public bool Closed { get; init; }
}

/// <summary>night_bookings (list rows as in <see cref="ItemRow"/>).</summary>
internal sealed class NightBookingRow
{
    public bool AccommodationExists { get; init; }
    public Guid? Id { get; init; }
    public string? GuestId { get; init; }
    public DateTime? CheckIn { get; init; }
    public DateTime? CheckOut { get; init; }
    public int? Guests { get; init; }
    public string? Status { get; init; }
    public DateTime? HoldExpiresAt { get; init; }
    public Guid? ItemId { get; init; }
    public string? ItemLabel { get; init; }
}

/// <summary>search_availability: available 9999 for an unlimited accommodation.</summary>
internal sealed class AvailableAccommodationRow
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public int MaxGuests { get; init; }
    public string TimeZone { get; init; } = "";
    public int Available { get; init; }
}
