namespace BookingFunctions.Inventory;

/// <summary>
/// A room (item) of an accommodation. RetiredFrom: first night out of service (null: in service); InService: in
/// service today at the property.
/// </summary>
public sealed record ItemResponse(Guid Id, Guid AccommodationId, string Label, DateOnly? RetiredFrom, bool InService, DateTimeOffset CreatedAt)
{
    internal static ItemResponse From(Guid accommodationId, ItemRow row) => new(
        row.Id!.Value, accommodationId, row.Label!, row.RetiredFrom is { } d ? Timestamps.Date(d) : null, row.InService!.Value,
        Timestamps.Utc(row.CreatedAt!.Value));
}

/// <summary>The rooms of an accommodation, by label.</summary>
public sealed record ItemList(Guid AccommodationId, IReadOnlyList<ItemResponse> Items);

/// <summary>A room after a retirement change, and the bookings moved to other rooms in the same transaction.</summary>
public sealed record ItemRetirementResponse(
    Guid Id,
    Guid AccommodationId,
    string Label,
    DateOnly? RetiredFrom,
    bool InService,
    DateTimeOffset CreatedAt,
    IReadOnlyList<RoomMove> Moved);

/// <summary>A booking given another room (an item_moved event; FromItemId null: its first room).</summary>
public sealed record RoomMove(Guid BookingId, Guid? FromItemId, Guid ItemId);
