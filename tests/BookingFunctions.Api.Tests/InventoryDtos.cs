namespace BookingFunctions.Api.Tests;

// The inventory API's answers as a client reads them (independent of the server's record types on purpose).

internal sealed record AccommodationDto(Guid Id, string Name, int? Capacity, bool Unlimited, int MaxGuests, string TimeZone, int Rooms,
    int RoomsInService, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed record PageDto<T>(List<T> Items, string? NextCursor);

internal sealed record ItemDto(Guid Id, Guid AccommodationId, string Label, DateOnly? RetiredFrom, bool InService, DateTimeOffset CreatedAt);

internal sealed record ItemListDto(Guid AccommodationId, List<ItemDto> Items);

internal sealed record RoomMoveDto(Guid BookingId, Guid? FromItemId, Guid ItemId);

internal sealed record ItemRetirementDto(Guid Id, Guid AccommodationId, string Label, DateOnly? RetiredFrom, bool InService, List<RoomMoveDto> Moved);

internal sealed record ClosureDto(Guid Id, Guid AccommodationId, DateOnly From, DateOnly To, string Reason, string CreatedBy);

internal sealed record ClosureListDto(Guid AccommodationId, List<ClosureDto> Closures);

internal sealed record ClosureBookingDto(Guid BookingId, string GuestId, DateOnly CheckIn, DateOnly CheckOut, string Status);

internal sealed record NewClosureDto(Guid Id, Guid AccommodationId, DateOnly From, DateOnly To, string Reason, string CreatedBy,
    List<ClosureBookingDto> Bookings);

internal sealed record StaffNightDto(DateOnly Night, int? Capacity, int Booked, int? Available, bool Closed);

internal sealed record CalendarDto(Guid AccommodationId, DateOnly From, DateOnly To, bool Unlimited, List<StaffNightDto> Nights);

internal sealed record NightBookingDto(Guid Id, string GuestId, DateOnly CheckIn, DateOnly CheckOut, int Guests, string Status, Guid? ItemId,
    string? ItemLabel);

internal sealed record NightBoardDto(Guid AccommodationId, DateOnly Night, List<NightBookingDto> Bookings);

internal sealed record AvailableAccommodationDto(Guid Id, string Name, int MaxGuests, string TimeZone, int? Available, bool Unlimited);
