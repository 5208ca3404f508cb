using BookingFunctions.Bookings;
using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Inventory;

/// <summary>GET /api/accommodations/{id}/closures?from= (staff): the closures ending after <c>from</c> (all without it).</summary>
public sealed class ListClosuresHandler(InventoryAction action, InventoryStore store)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.StaffAsync(request, async (_, token) =>
        {
            if (!RouteIds.TryParse(id, out var accommodationId, out var idProblem))
            {
                return idProblem!;
            }

            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var from = request.Query.ContainsKey("from") ? StayRules.ParseDate(QueryValues.One(request, "from"), "from", errors) : null;
            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }

            return await store.ClosuresAsync(accommodationId, from, token) is { } closures
                ? TypedResults.Ok(new ClosureList(accommodationId, closures))
                : Problems.AccommodationNotFound();
        }, ct);
}
