using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Bookings;

/// <summary>POST /api/booking-groups/{id}/cancel: cancels every booking of the group and gives their rooms back. Idempotent.</summary>
public sealed class CancelBookingGroupHandler(BookingAction action, BookingStore store, ILogger<CancelBookingGroupHandler> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.RunAsync(request, id, async (caller, groupId, token) =>
        {
            var group = await store.CancelGroupAsync(groupId, caller.OwnerFilter, token);
            logger.LogInformation("Group {GroupId} cancelled: {Rooms} room(s) (staff: {IsStaff})", groupId, group.Bookings.Count, caller.IsStaff);
            return TypedResults.Ok(group);
        }, ct);
}
