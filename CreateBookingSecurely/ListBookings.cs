using BookingFunctions.Bookings;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>GET /api/bookings: the caller's own bookings, newest first (same route as CreateBookingSecurely, other verb).</summary>
public sealed class ListBookings(ListBookingsHandler handler)
{
    [Function(nameof(ListBookings))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.Bookings)] HttpRequest req,
        CancellationToken ct) => handler.HandleAsync(req, ct);
}
