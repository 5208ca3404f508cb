using BookingFunctions.Http;
using BookingFunctions.Inventory;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>Room types: create, list, read, change (staff; guests may read). One call into Shared each.</summary>
public sealed class Accommodations(
    CreateAccommodationHandler create, ListAccommodationsHandler list, GetAccommodationHandler get, UpdateAccommodationHandler update)
{
    [Function("CreateAccommodation")]
    public Task<IResult> Create(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.Accommodations)] HttpRequest req,
        CancellationToken ct) => create.HandleAsync(req, ct);

    [Function("ListAccommodations")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.Accommodations)] HttpRequest req,
        CancellationToken ct) => list.HandleAsync(req, ct);

    [Function("GetAccommodation")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.Accommodation)] HttpRequest req,
        string id,
        CancellationToken ct) => get.HandleAsync(req, id, ct);

    [Function("UpdateAccommodation")]
    public Task<IResult> Update(
        [HttpTrigger(AuthorizationLevel.Function, "patch", Route = Routes.Accommodation)] HttpRequest req,
        string id,
        CancellationToken ct) => update.HandleAsync(req, id, ct);
}
