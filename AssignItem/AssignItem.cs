using BookingFunctions.Bookings;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>POST /api/bookings/{id}/item: the owner or staff gets a physical room assigned.</summary>
public sealed class AssignItem(AssignItemHandler handler)
{
    [Function(nameof(AssignItem))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.BookingItem)] HttpRequest req,
        string id,
        CancellationToken ct) => handler.HandleAsync(req, id, ct);
}
