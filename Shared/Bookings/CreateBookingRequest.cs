namespace BookingFunctions.Bookings;

/// <summary>
/// Body of POST /api/bookings: one stay (accommodationId, checkIn, checkOut, guests), or <see cref="Rooms"/> — 1 to 20
/// stays booked together, all or none — never both. Dates are strings so a bad date gets its own field error rather
/// than a generic JSON error. There is deliberately no guest field: the guest is the token subject.
/// </summary>
public sealed record CreateBookingRequest(Guid? AccommodationId, string? CheckIn, string? CheckOut, int? Guests,
    IReadOnlyList<RoomRequest?>? Rooms = null);

/// <summary>One room of a group booking: the same members as a booking on its own.</summary>
public sealed record RoomRequest(Guid? AccommodationId, string? CheckIn, string? CheckOut, int? Guests);
