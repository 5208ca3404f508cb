using BookingFunctions.Http;
using BookingFunctions.Inventory;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>Rooms of an accommodation: list, add, retire / return to service (staff).</summary>
public sealed class AccommodationItems(ListItemsHandler list, AddItemHandler add, RetireItemHandler retire)
{
    [Function("ListAccommodationItems")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.AccommodationItems)] HttpRequest req,
        string id,
        CancellationToken ct) => list.HandleAsync(req, id, ct);

    [Function("AddAccommodationItem")]
    public Task<IResult> Add(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Routes.AccommodationItems)] HttpRequest req,
        string id,
        CancellationToken ct) => add.HandleAsync(req, id, ct);

    [Function("SetAccommodationItemRetirement")]
    public Task<IResult> Retire(
        [HttpTrigger(AuthorizationLevel.Function, "patch", Route = Routes.AccommodationItem)] HttpRequest req,
        string id,
        string itemId,
        CancellationToken ct) => retire.HandleAsync(req, id, itemId, ct);
}
