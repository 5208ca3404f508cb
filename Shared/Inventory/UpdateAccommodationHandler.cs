using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Inventory;

/// <summary>
/// PATCH /api/accommodations/{id} (staff), merge-patch style: name, capacity (null = unlimited), maxGuests, timeZone.
/// Lowering the capacity below what a night from today holds is a 409 naming those nights; the database decides
/// under the night locks, so a racing booking can never leave a night over the new capacity. Idempotent.
/// </summary>
public sealed class UpdateAccommodationHandler(InventoryAction action, InventoryStore store, IOptions<BookingOptions> options,
    ILogger<UpdateAccommodationHandler> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.StaffAsync(request, async (caller, token) =>
        {
            if (!RouteIds.TryParse(id, out var accommodationId, out var idProblem))
            {
                return idProblem!;
            }

            var (body, problem) = await JsonBody.ReadAsync<UpdateAccommodationRequest>(request, options.Value.MaxRequestBodyBytes, token);
            if (problem is not null)
            {
                return problem;
            }

            var errors = body!.Validate();
            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }

            var row = await store.UpdateAsync(accommodationId, body, caller.Subject, token);
            var fields = string.Join(", ", body.GivenFields());
            if (fields.Length > 0)
            {
                logger.AccommodationChanged(caller.Subject, fields, row.Id, row.Name, row.Capacity, row.MaxGuests, row.TimeZone);
            }

            return TypedResults.Ok(AccommodationResponse.From(row));
        }, ct);
}
