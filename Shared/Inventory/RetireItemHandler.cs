using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Inventory;

/// <summary>
/// PATCH /api/accommodations/{id}/items/{itemId} (staff) <c>{"retiredFrom": date | null}</c>: retires the room from
/// that night on, moving its future stays to free rooms in the same transaction (answered as <c>moved</c>), or
/// answers 409 naming the nights or bookings in the way (a started stay never moves). Idempotent.
/// </summary>
public sealed class RetireItemHandler(InventoryAction action, InventoryStore store, IOptions<BookingOptions> options,
    ILogger<RetireItemHandler> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, string itemId, CancellationToken ct) =>
        action.StaffAsync(request, async (caller, token) =>
        {
            if (!RouteIds.TryParse(id, out var accommodationId, out var idProblem)
                || !RouteIds.TryParse(itemId, "itemId", out var item, out idProblem))
            {
                return idProblem!;
            }

            var (body, problem) = await JsonBody.ReadAsync<RetireItemRequest>(request, options.Value.MaxRequestBodyBytes, token);
            if (problem is not null)
            {
                return problem;
            }

            var errors = body!.Validate(out var retiredFrom);
            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }

            var result = await store.SetRetirementAsync(accommodationId, item, retiredFrom, caller.Subject, token);
            logger.ItemRetirementSet(caller.Subject, result.Id, result.Label, accommodationId, result.RetiredFrom, result.Moved.Count);
            return TypedResults.Ok(result);
        }, ct);
}
