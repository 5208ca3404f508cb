namespace BookingFunctions.Bookings;

/// <summary>A row of check_availability_many (sql/queries/check_availability_many.sql).</summary>
internal sealed class AvailabilityOutcome : BatchOutcome
{
    public int? Available { get; init; }
}
