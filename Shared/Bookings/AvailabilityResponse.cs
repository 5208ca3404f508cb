namespace BookingFunctions.Bookings;

/// <summary>Rooms free for every night of the stay. Unlimited accommodations report <c>available: null</c>.</summary>
public sealed record AvailabilityResponse(int? Available, bool Unlimited)
{
    /// <summary>check_availability_with_lock's sentinel for "no inventory limit".</summary>
    internal const int UnlimitedSentinel = 9999;

    internal static AvailabilityResponse From(int rooms) =>
        rooms >= UnlimitedSentinel ? new(null, true) : new(rooms, false);
}
