namespace BookingFunctions.Bookings;

/// <summary>A row of get_booking(); property names are the SQL aliases in sql/queries/get_booking.sql.</summary>
internal sealed class BookingRow
{
    public Guid Id { get; init; }
    public Guid AccommodationId { get; init; }
    public string GuestId { get; init; } = "";
    public DateTime CheckIn { get; init; }
    public DateTime CheckOut { get; init; }
    public int Guests { get; init; }
    public string Status { get; init; } = "";
    public DateTime? HoldExpiresAt { get; init; }
    public Guid? ItemId { get; init; }
    public DateTime CreatedAt { get; init; }
}
