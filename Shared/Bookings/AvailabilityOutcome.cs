namespace BookingFunctions.Bookings;

/// <summary>A row of check_availability_many (sql/queries/check_availability_many.sql).</summary>
internal sealed class AvailabilityOutcome
{
    public int Ordinal { get; init; }
    public int? Available { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
}
