using BookingFunctions.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Bookings;

/// <summary>POST /api/bookings/{id}/confirm: turns a live hold into a confirmed booking. Idempotent.</summary>
public sealed class ConfirmBookingHandler(BookingAction action, BookingStore store, ILogger<ConfirmBookingHandler> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.RunAsync(request, id, async (caller, bookingId, token) =>
        {
            await store.ConfirmAsync(bookingId, caller.OwnerFilter, token);
            logger.LogInformation("Booking {BookingId} confirmed (staff: {IsStaff})", bookingId, caller.IsStaff);
            return await store.GetAsync(bookingId, caller.OwnerFilter, token) is { } booking
                ? TypedResults.Ok(booking)
                : Problems.BookingNotFound();
        }, ct);
}
