using BookingFunctions.Bookings;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>GET /api/accommodations/{id}/availability?checkIn=&amp;checkOut=.</summary>
public sealed class CheckAvailability(AvailabilityHandler handler)
{
    [Function(nameof(CheckAvailability))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.Availability)] HttpRequest req,
        string id,
        CancellationToken ct) => handler.HandleAsync(req, id, ct);
}
