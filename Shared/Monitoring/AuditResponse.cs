namespace BookingFunctions.Monitoring;

/// <summary>What GET /api/audit answers: when the audit ran, whether it is clean, and every finding.</summary>
public sealed record AuditResponse(DateTimeOffset CheckedAt, bool Clean, IReadOnlyList<AuditFindingResponse> Findings);

/// <summary>
/// One invariant violation as check_for_double_bookings() reports it. Issue: oversold_night, night_over_rooms,
/// item_double_assigned, item_out_of_service, counter_drift or night_settings_drift; members that do not apply are null.
/// </summary>
public sealed record AuditFindingResponse(
    string Issue,
    Guid AccommodationId,
    DateOnly? Night,
    Guid? ItemId,
    IReadOnlyList<Guid> BookingIds,
    int? Booked,
    int? Capacity,
    int? Recorded)
{
    internal static AuditFindingResponse From(AuditFinding f) => new(
        f.Issue, f.AccommodationId, f.Night is { } night ? DateOnly.FromDateTime(night) : null, f.ItemId, f.BookingIds ?? [],
        f.Booked, f.Capacity, f.Recorded);
}
