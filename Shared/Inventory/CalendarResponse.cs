namespace BookingFunctions.Inventory;

/// <summary>
/// One entry per night of [From, To). Unlimited accommodations: <see cref="Unlimited"/> true, capacity and available
/// null (available 0 on a closed night).
/// </summary>
public sealed record CalendarResponse<TNight>(Guid AccommodationId, DateOnly From, DateOnly To, bool Unlimited, IReadOnlyList<TNight> Nights);

/// <summary>A night as staff see it: rooms on sale, active bookings, rooms free, closed.</summary>
public sealed record StaffCalendarNight(DateOnly Night, int? Capacity, int Booked, int? Available, bool Closed);

/// <summary>A night as guests see it: can it still be booked.</summary>
public sealed record GuestCalendarNight(DateOnly Night, int? Available, bool Closed);
