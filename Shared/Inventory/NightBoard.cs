namespace BookingFunctions.Inventory;

/// <summary>Who is on one night of an accommodation (the front desk's board): its active bookings.</summary>
public sealed record NightBoard(Guid AccommodationId, DateOnly Night, IReadOnlyList<NightBooking> Bookings);

/// <summary>An active booking (confirmed, or pending with a live hold) covering the night, with its room when assigned.</summary>
public sealed record NightBooking(
    Guid Id,
    string GuestId,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Guests,
    string Status,
    DateTimeOffset? HoldExpiresAt,
    Guid? ItemId,
    string? ItemLabel)
{
    internal static NightBooking From(NightBookingRow row) => new(
        row.Id!.Value, row.GuestId!, Timestamps.Date(row.CheckIn!.Value), Timestamps.Date(row.CheckOut!.Value), row.Guests!.Value,
        row.Status!, row.HoldExpiresAt is { } hold ? Timestamps.Utc(hold) : null, row.ItemId, row.ItemLabel);
}
