using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Inventory;

/// <summary>DELETE /api/accommodations/{id}/closures/{closureId} (staff): reopens the nights (unless another closure covers them). 404 once gone.</summary>
public sealed class RemoveClosureHandler(InventoryAction action, InventoryStore store, ILogger<RemoveClosureHandler> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, string closureId, CancellationToken ct) =>
        action.StaffAsync(request, async (caller, token) =>
        {
            if (!RouteIds.TryParse(id, out var accommodationId, out var idProblem)
                || !RouteIds.TryParse(closureId, "closureId", out var closure, out idProblem))
            {
                return idProblem!;
            }

            var removed = await store.RemoveClosureAsync(accommodationId, closure, caller.Subject, token);
            logger.ClosureRemoved(caller.Subject, removed.Id, accommodationId, removed.From, removed.To);
            return TypedResults.NoContent();
        }, ct);
}
