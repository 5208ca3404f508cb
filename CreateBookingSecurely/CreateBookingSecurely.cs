using BookingFunctions.Bookings;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>POST /api/bookings. The function key is the outer gate; the bearer token names the guest.</summary>
public sealed class CreateBookingSecurely(CreateBookingHandler handler)
{
    [Function(nameof(CreateBookingSecurely))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Bookings)] HttpRequest req,
        CancellationToken ct) => handler.HandleAsync(req, ct);
}
