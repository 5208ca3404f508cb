namespace BookingFunctions.Bookings;

/// <summary>
/// The answer to a <see cref="BookingOrder"/>: its bookings in request order, the group (null for a booking on its
/// own), and whether the idempotency key had booked them in an earlier call (a replay: the stored bookings, with
/// their current status).
/// </summary>
public sealed record BookedRooms(Guid? GroupId, IReadOnlyList<BookingResponse> Bookings, bool Replayed)
{
    /// <summary>When the key first booked them: the bookings (and their group) are written in one statement.</summary>
    public DateTimeOffset CreatedAt => Bookings.Min(b => b.CreatedAt);
}
