namespace BookingFunctions.Database.Tests;

public sealed record AuditRow(string Issue, Guid AccommodationId, DateOnly Night, Guid? ItemId, Guid[]? BookingIds, int Booked, int? Capacity, int? Recorded);
