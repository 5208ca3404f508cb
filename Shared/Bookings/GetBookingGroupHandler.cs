using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Bookings;

/// <summary>GET /api/booking-groups/{id}: the caller's group booking and its bookings (or any group, for staff).</summary>
public sealed class GetBookingGroupHandler(BookingAction action, BookingStore store)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.RunAsync(request, id, async (caller, groupId, token) =>
            TypedResults.Ok(await store.GetGroupAsync(groupId, caller.OwnerFilter, token)), ct);
}
