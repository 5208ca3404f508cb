namespace BookingFunctions.Bookings;

/// <summary>One room of an accommodation for the nights [CheckIn, CheckOut), as a guest asked for it.</summary>
public sealed record NewBooking(
    Guid AccommodationId,
    string GuestId,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Guests,
    string? IdempotencyKey);
