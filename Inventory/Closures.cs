using BookingFunctions.Http;
using BookingFunctions.Inventory;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>Closures (stop-sell) of an accommodation: list, add, remove (staff).</summary>
public sealed class Closures(ListClosuresHandler list, AddClosureHandler add, RemoveClosureHandler remove)
{
    [Function("ListClosures")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.AccommodationClosures)] HttpRequest req,
        string id,
        CancellationToken ct) => list.HandleAsync(req, id, ct);

    [Function("AddClosure")]
    public Task<IResult> Add(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.AccommodationClosures)] HttpRequest req,
        string id,
        CancellationToken ct) => add.HandleAsync(req, id, ct);

    [Function("RemoveClosure")]
    public Task<IResult> Remove(
        [HttpTrigger(AuthorizationLevel.Function, "delete", Route = Routes.AccommodationClosure)] HttpRequest req,
        string id,
        string closureId,
        CancellationToken ct) => remove.HandleAsync(req, id, closureId, ct);
}
