using BookingFunctions.Errors;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Bookings;

/// <summary>GET /api/bookings/{id}: the caller's booking (or any, for staff).</summary>
public sealed class GetBookingHandler(BookingAction action, BookingStore store)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.RunAsync(request, id, async (caller, bookingId, token) =>
            await store.GetAsync(bookingId, caller.OwnerFilter, token) is { } booking
                ? TypedResults.Ok(booking)
                : Problems.BookingNotFound(), ct);
}
