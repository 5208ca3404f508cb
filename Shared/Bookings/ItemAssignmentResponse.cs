namespace BookingFunctions.Bookings;

/// <summary>The room given to a booking, and the booking as it now stands.</summary>
public sealed record ItemAssignmentResponse(Guid ItemId, BookingResponse Booking);
