namespace BookingFunctions.Bookings;

/// <summary>
/// A booking row as the SQL functions answer it; property names are the SQL aliases in sql/queries (get_booking.sql and
/// the create, confirm and group queries). The last three are set only by the queries that answer them.
/// </summary>
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

    /// <summary>The group the booking belongs to (create_bookings and the group functions).</summary>
    public Guid? GroupId { get; init; }

    /// <summary>The idempotency key had booked this in an earlier call (create functions).</summary>
    public bool Replayed { get; init; }

    /// <summary>Confirmed after its hold expired, its nights taken again (confirm functions).</summary>
    public bool Late { get; init; }
}
