namespace BookingFunctions.Bookings;

/// <summary>One room of an accommodation for the nights [CheckIn, CheckOut): a member of a booking order.</summary>
public sealed record RoomStay(Guid AccommodationId, DateOnly CheckIn, DateOnly CheckOut, int Guests);
