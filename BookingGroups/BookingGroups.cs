using BookingFunctions.Bookings;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>
/// A group booking (several rooms, all or none) after CreateBookingSecurely made it: read, confirm, cancel the whole
/// group, with the same owner-or-staff rule as a booking.
/// </summary>
public sealed class BookingGroups(GetBookingGroupHandler get, ConfirmBookingGroupHandler confirm, CancelBookingGroupHandler cancel)
{
    [Function("GetBookingGroup")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.BookingGroup)] HttpRequest req,
        string id,
        CancellationToken ct) => get.HandleAsync(req, id, ct);

    [Function("ConfirmBookingGroup")]
    public Task<IResult> Confirm(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.BookingGroupConfirm)] HttpRequest req,
        string id,
        CancellationToken ct) => confirm.HandleAsync(req, id, ct);

    [Function("CancelBookingGroup")]
    public Task<IResult> Cancel(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.BookingGroupCancel)] HttpRequest req,
        string id,
        CancellationToken ct) => cancel.HandleAsync(req, id, ct);
}
