using System.Text.Json.Serialization;

namespace BookingFunctions.Bookings;

/// <summary>
/// A booking as the API shows it. Status is pending, confirmed, cancelled or expired. <see cref="LateConfirmation"/>
/// is only in a confirm answer: true when that confirmation came after the hold had expired and the booking's nights
/// were taken again (the room was still free); elsewhere it is left out.
/// </summary>
public sealed record BookingResponse(
    Guid Id,
    Guid AccommodationId,
    string GuestId,
    DateOnly CheckIn,
    DateOnly CheckOut,
    int Guests,
    string Status,
    DateTimeOffset? HoldExpiresAt,
    Guid? ItemId,
    DateTimeOffset CreatedAt)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? LateConfirmation { get; init; }

    internal static BookingResponse From(BookingRow row) => new(
        row.Id,
        row.AccommodationId,
        row.GuestId,
        DateOnly.FromDateTime(row.CheckIn),
        DateOnly.FromDateTime(row.CheckOut),
        row.Guests,
        row.Status,
        row.HoldExpiresAt is { } hold ? new DateTimeOffset(DateTime.SpecifyKind(hold, DateTimeKind.Utc)) : null,
        row.ItemId,
        new DateTimeOffset(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)));

    /// <summary>A confirm answer: the booking and whether this confirmation was late.</summary>
    internal static BookingResponse Confirmed(BookingRow row) => From(row) with { LateConfirmation = row.Late };
}
