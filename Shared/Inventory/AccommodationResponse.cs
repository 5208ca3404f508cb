namespace BookingFunctions.Inventory;

/// <summary>
/// An accommodation (room type) as staff see it. Capacity null = unlimited (then <see cref="Unlimited"/> is true).
/// Rooms: physical rooms (items) tracked; RoomsInService: those in service today at the property.
/// </summary>
public sealed record AccommodationResponse(
    Guid Id,
    string Name,
    int? Capacity,
    bool Unlimited,
    int MaxGuests,
    string TimeZone,
    int Rooms,
    int RoomsInService,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    internal static AccommodationResponse From(AccommodationRow row) => new(
        row.Id, row.Name, row.Capacity, row.Capacity is null, row.MaxGuests, row.TimeZone, row.Rooms, row.RoomsInService,
        Timestamps.Utc(row.CreatedAt), Timestamps.Utc(row.UpdatedAt));
}

/// <summary>
/// An accommodation as guests see it: the public facts a booking needs (how many guests a room sleeps, whose calendar
/// "today" is). How many rooms a property has is the property's business, not the guests'.
/// </summary>
public sealed record AccommodationSummary(Guid Id, string Name, int MaxGuests, string TimeZone)
{
    internal static AccommodationSummary From(AccommodationRow row) => new(row.Id, row.Name, row.MaxGuests, row.TimeZone);
}

/// <summary>One page of a list; <see cref="NextCursor"/> (opaque) fetches the next page, null on the last one.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
