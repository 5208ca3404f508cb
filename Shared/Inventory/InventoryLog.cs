using Microsoft.Extensions.Logging;

namespace BookingFunctions.Inventory;

/// <summary>One structured line per inventory change: who (the staff token's subject), which accommodation, what changed.</summary>
internal static partial class InventoryLog
{
    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Actor} created accommodation {AccommodationId} {Name}: capacity {Capacity}, maxGuests {MaxGuests}, time zone {TimeZone}")]
    public static partial void AccommodationCreated(this ILogger logger, string actor, Guid accommodationId, string name, int? capacity,
        int maxGuests, string timeZone);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Actor} changed {Fields} of accommodation {AccommodationId}; now {Name}: capacity {Capacity}, maxGuests {MaxGuests}, time zone {TimeZone}")]
    public static partial void AccommodationChanged(this ILogger logger, string actor, string fields, Guid accommodationId, string name,
        int? capacity, int maxGuests, string timeZone);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Actor} added room {ItemId} {Label} to accommodation {AccommodationId}")]
    public static partial void ItemAdded(this ILogger logger, string actor, Guid itemId, string label, Guid accommodationId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Actor} set room {ItemId} {Label} of accommodation {AccommodationId} retired from {RetiredFrom:yyyy-MM-dd}; {Moved} booking(s) moved to other rooms")]
    public static partial void ItemRetirementSet(this ILogger logger, string actor, Guid itemId, string label, Guid accommodationId,
        DateOnly? retiredFrom, int moved);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Actor} closed accommodation {AccommodationId} from {From:yyyy-MM-dd} to {To:yyyy-MM-dd} (closure {ClosureId}, {Reason}); {Bookings} booking(s) already on those nights")]
    public static partial void ClosureAdded(this ILogger logger, string actor, Guid accommodationId, DateOnly from, DateOnly to, Guid closureId,
        string reason, int bookings);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "{Actor} removed closure {ClosureId} of accommodation {AccommodationId} ({From:yyyy-MM-dd} to {To:yyyy-MM-dd})")]
    public static partial void ClosureRemoved(this ILogger logger, string actor, Guid closureId, Guid accommodationId, DateOnly from, DateOnly to);
}
