namespace BookingFunctions.Api.Tests;

/// <summary>The booking as a client reads it (independent of the server's record type on purpose).</summary>
internal sealed record BookingDto(Guid Id, Guid AccommodationId, string GuestId, DateOnly CheckIn, DateOnly CheckOut, int Guests,
    string Status, DateTimeOffset? HoldExpiresAt, Guid? ItemId, DateTimeOffset CreatedAt, bool? LateConfirmation = null);

/// <summary>A group booking as a client reads it.</summary>
internal sealed record BookingGroupDto(Guid GroupId, IReadOnlyList<BookingDto> Bookings);

internal sealed record AvailabilityDto(int? Available, bool Unlimited);

internal sealed record ItemAssignmentDto(Guid ItemId, BookingDto Booking);
