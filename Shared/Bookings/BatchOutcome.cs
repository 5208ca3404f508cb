namespace BookingFunctions.Bookings;

/// <summary>The verdict part of a create_bookings row (sql/queries/create_bookings.sql); the booking follows it.</summary>
internal sealed class BatchOutcome
{
    public int Ordinal { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
}
