using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Inventory;

/// <summary>
/// POST /api/accommodations/{id}/items (staff): a room in service from now on. Safe to retry: labels are unique per
/// accommodation, so a repeated request answers 409 (label taken) instead of adding a second room.
/// </summary>
public sealed class AddItemHandler(InventoryAction action, InventoryStore store, IOptions<BookingOptions> options, ILogger<AddItemHandler> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.StaffAsync(request, async (caller, token) =>
        {
            if (!RouteIds.TryParse(id, out var accommodationId, out var idProblem))
            {
                return idProblem!;
            }

            var (body, problem) = await JsonBody.ReadAsync<AddItemRequest>(request, options.Value.MaxRequestBodyBytes, token);
            if (problem is not null)
            {
                return problem;
            }

            var errors = body!.Validate();
            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }

            var item = await store.AddItemAsync(accommodationId, body.Label!, caller.Subject, token);
            logger.ItemAdded(caller.Subject, item.Id, item.Label, accommodationId);
            return TypedResults.Created(Routes.ItemLocation(accommodationId, item.Id), item);
        }, ct);
}
