using BookingFunctions.Bookings;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>
/// What happens to a booking after CreateBookingSecurely: read, confirm, cancel. Kept beside it because
/// they act on the booking it creates, with the same owner-or-staff rule.
/// </summary>
public sealed class BookingLifecycle(GetBookingHandler get, ConfirmBookingHandler confirm, CancelBookingHandler cancel)
{
    [Function("GetBooking")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.Booking)] HttpRequest req,
        string id,
        CancellationToken ct) => get.HandleAsync(req, id, ct);

    [Function("ConfirmBooking")]
    public Task<IResult> Confirm(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.BookingConfirm)] HttpRequest req,
        string id,
        CancellationToken ct) => confirm.HandleAsync(req, id, ct);

    [Function("CancelBooking")]
    public Task<IResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.BookingCancel)] HttpRequest req,
        string id,
        CancellationToken ct) => cancel.HandleAsync(req, id, ct);
}
