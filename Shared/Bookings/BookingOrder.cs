namespace BookingFunctions.Bookings;

/// <summary>
/// What the booking batcher books as one request: one room on its own (<see cref="IsGroup"/> false, one stay), or a
/// group of 1–20 rooms, all or none, for one guest under one idempotency key (the group's).
/// </summary>
public sealed record BookingOrder(string GuestId, IReadOnlyList<RoomStay> Rooms, string? IdempotencyKey, bool IsGroup)
{
    public const int MaxRooms = 20;

    public static BookingOrder One(NewBooking booking)
    {
        ArgumentNullException.ThrowIfNull(booking);
        return new(booking.GuestId, [new RoomStay(booking.AccommodationId, booking.CheckIn, booking.CheckOut, booking.Guests)],
            booking.IdempotencyKey, IsGroup: false);
    }

    public static BookingOrder Group(string guestId, IReadOnlyList<RoomStay> rooms, string? idempotencyKey)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        ArgumentOutOfRangeException.ThrowIfLessThan(rooms.Count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rooms.Count, MaxRooms);
        return new(guestId, rooms, idempotencyKey, IsGroup: true);
    }
}
