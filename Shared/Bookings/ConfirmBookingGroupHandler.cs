using BookingFunctions.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Bookings;

/// <summary>
/// POST /api/booking-groups/{id}/confirm: confirms every booking of the group, all or none. Bookings whose hold expired
/// take their rooms again when every night still has one (<c>"lateConfirmation": true</c> on each of them); when one
/// room is gone nothing is confirmed (409 hold-expired naming the night).
/// </summary>
public sealed class ConfirmBookingGroupHandler(BookingAction action, BookingStore store, ILogger<ConfirmBookingGroupHandler> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.RunAsync(request, id, async (caller, groupId, token) =>
        {
            var group = await store.ConfirmGroupAsync(groupId, caller.OwnerFilter, token);
            var late = group.Bookings.Count(b => b.LateConfirmation == true);
            BookingMetrics.LateConfirmed(late, group: true);
            logger.LogInformation("Group {GroupId} confirmed: {Rooms} room(s), {Late} of them late (staff: {IsStaff})",
                groupId, group.Bookings.Count, late, caller.IsStaff);
            return TypedResults.Ok(group);
        }, ct);
}
