namespace BookingFunctions.Bookings;

/// <summary>How many rooms of an accommodation are free for every night of [CheckIn, CheckOut).</summary>
public sealed record AvailabilityQuery(Guid AccommodationId, DateOnly CheckIn, DateOnly CheckOut);
