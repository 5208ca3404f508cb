using BookingFunctions.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Bookings;

/// <summary>POST /api/bookings/{id}/item: gives the booking one physical room free for all its nights. Idempotent.</summary>
public sealed class AssignItemHandler(BookingAction action, BookingStore store, ILogger<AssignItemHandler> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.RunAsync(request, id, async (caller, bookingId, token) =>
        {
            var itemId = await store.AssignItemAsync(bookingId, caller.OwnerFilter, token);
            logger.LogInformation("Booking {BookingId} has item {ItemId}", bookingId, itemId);
            return await store.GetAsync(bookingId, caller.OwnerFilter, token) is { } booking
                ? TypedResults.Ok(new ItemAssignmentResponse(itemId, booking))
                : Problems.BookingNotFound();
        }, ct);
}
