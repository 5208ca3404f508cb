namespace BookingFunctions.Monitoring;

/// <summary>A row of check_for_double_bookings(); names are the aliases in sql/queries/check_for_double_bookings.sql.</summary>
public sealed class AuditFinding
{
    /// <summary>oversold_night, item_double_assigned or counter_drift.</summary>
    public string Issue { get; init; } = "";
    public Guid AccommodationId { get; init; }
    public DateTime? Night { get; init; }
    public Guid? ItemId { get; init; }
    public Guid[]? BookingIds { get; init; }
    public int? Booked { get; init; }
    public int? Capacity { get; init; }
    public int? Recorded { get; init; }
}
