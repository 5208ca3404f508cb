using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Inventory;

/// <summary>GET /api/accommodations/{id} (any signed-in caller): staff see the inventory facts, guests the public ones.</summary>
public sealed class GetAccommodationHandler(InventoryAction action, InventoryStore store)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.AnyCallerAsync(request, async (caller, token) =>
        {
            if (!RouteIds.TryParse(id, out var accommodationId, out var idProblem))
            {
                return idProblem!;
            }

            return await store.GetAsync(accommodationId, token) switch
            {
                null => Problems.AccommodationNotFound(),
                { } row when caller.IsStaff => TypedResults.Ok(AccommodationResponse.From(row)),
                { } row => TypedResults.Ok(AccommodationSummary.From(row)),
            };
        }, ct);
}
