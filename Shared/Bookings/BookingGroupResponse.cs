namespace BookingFunctions.Bookings;

/// <summary>A group booking as the API shows it: the group's id and its bookings (each addressable alone too).</summary>
public sealed record BookingGroupResponse(Guid GroupId, IReadOnlyList<BookingResponse> Bookings);
