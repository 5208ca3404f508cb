using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Inventory;

/// <summary>
/// POST /api/accommodations (staff): a new room type. Not idempotent: names need not be unique, so a blind retry
/// after a lost answer may create a second one — list first (README, "Staff API").
/// </summary>
public sealed class CreateAccommodationHandler(InventoryAction action, InventoryStore store, IOptions<BookingOptions> options,
    ILogger<CreateAccommodationHandler> logger)
{
    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct) =>
        action.StaffAsync(request, async (caller, token) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<CreateAccommodationRequest>(request, options.Value.MaxRequestBodyBytes, token);
            if (problem is not null)
            {
                return problem;
            }

            var errors = body!.Validate();
            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }

            var row = await store.CreateAsync(body.Name!, body.Capacity, body.MaxGuests!.Value, body.TimeZone!, caller.Subject, token);
            logger.AccommodationCreated(caller.Subject, row.Id, row.Name, row.Capacity, row.MaxGuests, row.TimeZone);
            return TypedResults.Created(Routes.AccommodationLocation(row.Id), AccommodationResponse.From(row));
        }, ct);
}
