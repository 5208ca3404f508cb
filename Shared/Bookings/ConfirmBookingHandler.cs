using BookingFunctions.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Bookings;

/// <summary>
/// POST /api/bookings/{id}/confirm: turns a hold into a confirmed booking. Idempotent. A hold that expired is still
/// confirmed when every night of it has a room again (its nights taken again in the database, in the lock order):
/// the answer says <c>"lateConfirmation": true</c>; when the room is gone it is 409 hold-expired.
/// </summary>
public sealed class ConfirmBookingHandler(BookingAction action, BookingStore store, ILogger<ConfirmBookingHandler> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.RunAsync(request, id, async (caller, bookingId, token) =>
        {
            var booking = await store.ConfirmAsync(bookingId, caller.OwnerFilter, token);
            if (booking.LateConfirmation == true)
            {
                BookingMetrics.LateConfirmed(1, group: false);
                logger.LogInformation("Booking {BookingId} confirmed late: its hold expired at {HoldExpiresAt} and its nights were taken again (staff: {IsStaff})",
                    bookingId, booking.HoldExpiresAt, caller.IsStaff);
            }
            else
            {
                logger.LogInformation("Booking {BookingId} confirmed (staff: {IsStaff})", bookingId, caller.IsStaff);
            }

            return TypedResults.Ok(booking);
        }, ct);
}
