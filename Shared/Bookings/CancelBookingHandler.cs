using BookingFunctions.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Bookings;

/// <summary>POST /api/bookings/{id}/cancel: gives the room back. Idempotent (an expired booking stays expired).</summary>
public sealed class CancelBookingHandler(BookingAction action, BookingStore store, ILogger<CancelBookingHandler> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.RunAsync(request, id, async (caller, bookingId, token) =>
        {
            var status = await store.CancelAsync(bookingId, caller.OwnerFilter, token);
            logger.LogInformation("Booking {BookingId} is {Status} after cancel (staff: {IsStaff})", bookingId, status, caller.IsStaff);
            return await store.GetAsync(bookingId, caller.OwnerFilter, token) is { } booking
                ? TypedResults.Ok(booking)
                : Problems.BookingNotFound();
        }, ct);
}
