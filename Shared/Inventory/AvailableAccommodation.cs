using BookingFunctions.Bookings;

namespace BookingFunctions.Inventory;

/// <summary>An accommodation with a room free on every night of the searched stay. Unlimited: available null.</summary>
public sealed record AvailableAccommodation(Guid Id, string Name, int MaxGuests, string TimeZone, int? Available, bool Unlimited)
{
    internal static AvailableAccommodation From(AvailableAccommodationRow row)
    {
        var unlimited = row.Available >= AvailabilityResponse.UnlimitedSentinel;
        return new(row.Id, row.Name, row.MaxGuests, row.TimeZone, unlimited ? null : row.Available, unlimited);
    }
}
