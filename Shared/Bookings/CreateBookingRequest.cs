namespace BookingFunctions.Bookings;

/// <summary>
/// Body of POST /api/bookings. Dates are strings so a bad date gets its own field error rather than a
/// generic JSON error. There is deliberately no guest field: the guest is the token subject.
/// </summary>
public sealed record CreateBookingRequest(Guid? AccommodationId, string? CheckIn, string? CheckOut, int? Guests);
