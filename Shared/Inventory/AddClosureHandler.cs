using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Inventory;

/// <summary>
/// POST /api/accommodations/{id}/closures (staff) <c>{from, to, reason}</c>: the nights [from, to) refuse new bookings
/// (night-closed); bookings already on them stay and are listed in the answer. A retry after a lost answer adds a
/// second, identical closure: harmless to the calendar (a night closed twice is closed), visible in the list.
/// </summary>
public sealed class AddClosureHandler(InventoryAction action, InventoryStore store, IOptions<BookingOptions> options,
    ILogger<AddClosureHandler> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.StaffAsync(request, async (caller, token) =>
        {
            if (!RouteIds.TryParse(id, out var accommodationId, out var idProblem))
            {
                return idProblem!;
            }

            var (body, problem) = await JsonBody.ReadAsync<AddClosureRequest>(request, options.Value.MaxRequestBodyBytes, token);
            if (problem is not null)
            {
                return problem;
            }

            var errors = body!.Validate(out var from, out var to);
            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }

            var closure = await store.AddClosureAsync(accommodationId, from, to, body.Reason!, caller.Subject, token);
            logger.ClosureAdded(caller.Subject, accommodationId, closure.From, closure.To, closure.Id, closure.Reason, closure.Bookings.Count);
            return TypedResults.Created(Routes.ClosureLocation(accommodationId, closure.Id), closure);
        }, ct);
}
