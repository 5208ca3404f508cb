using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Inventory;

/// <summary>GET /api/accommodations/{id}/items (staff): the rooms, with their retirement and whether they are in service today.</summary>
public sealed class ListItemsHandler(InventoryAction action, InventoryStore store)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.StaffAsync(request, async (_, token) =>
        {
            if (!RouteIds.TryParse(id, out var accommodationId, out var idProblem))
            {
                return idProblem!;
            }

            return await store.ItemsAsync(accommodationId, token) is { } items
                ? TypedResults.Ok(new ItemList(accommodationId, items))
                : Problems.AccommodationNotFound();
        }, ct);
}
