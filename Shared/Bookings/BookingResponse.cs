namespace BookingFunctions.Bookings;

/// <summary>A booking as the API shows it. Status is pending, confirmed, cancelled or expired.</summary>
public sealed record BookingResponse(
    Guid Id,
    Guid AccommodationId,
    string GuestId,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Guests,
    string Status,
    DateTimeOffset? HoldExpiresAt,
    Guid? ItemId,
    DateTimeOffset CreatedAt)
{
    internal static BookingResponse From(BookingRow row) => new(
        row.Id,
        row.AccommodationId,
        row.GuestId,
        DateOnly.FromDateTime(row.CheckIn),
        DateOnly.FromDateTime(row.CheckOut),
        row.Guests,
        row.Status,
        row.HoldExpiresAt is { } hold ? new DateTimeOffset(DateTime.SpecifyKind(hold, DateTimeKind.Utc)) : null,
        row.ItemId,
        new DateTimeOffset(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)));
}
