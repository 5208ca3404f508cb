namespace BookingFunctions.Inventory;

/// <summary>A closure (stop-sell): the nights [From, To) refuse new bookings; existing ones stay.</summary>
public sealed record ClosureResponse(Guid Id, Guid AccommodationId, DateOnly From, DateOnly To, string Reason, string CreatedBy,
    DateTimeOffset CreatedAt)
{
    internal static ClosureResponse Of(Guid accommodationId, ClosureRow row) => new(
        row.Id!.Value, accommodationId, Timestamps.Date(row.From!.Value), Timestamps.Date(row.To!.Value), row.Reason!, row.CreatedBy!,
        Timestamps.Utc(row.CreatedAt!.Value));
}

/// <summary>The closures of an accommodation, by first night.</summary>
public sealed record ClosureList(Guid AccommodationId, IReadOnlyList<ClosureResponse> Closures);

/// <summary>A new closure, with the active bookings already on its nights: they stay, and staff may contact the guests.</summary>
public sealed record NewClosureResponse(
    Guid Id,
    Guid AccommodationId,
    DateOnly From,
    DateOnly To,
    string Reason,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    IReadOnlyList<BookingOnClosedNight> Bookings);

/// <summary>An active booking on a night that was just closed.</summary>
public sealed record BookingOnClosedNight(Guid BookingId, string GuestId, DateOnly CheckIn, DateOnly CheckOut, string Status);
