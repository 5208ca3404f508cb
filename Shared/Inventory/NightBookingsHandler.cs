using BookingFunctions.Bookings;
using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Inventory;

/// <summary>GET /api/accommodations/{id}/nights/{night}/bookings (staff): who is on that night, and in which room.</summary>
public sealed class NightBookingsHandler(InventoryAction action, InventoryStore store)
{
    public Task<IResult> HandleAsync(HttpRequest request, string id, string night, CancellationToken ct) =>
        action.StaffAsync(request, async (_, token) =>
        {
            if (!RouteIds.TryParse(id, out var accommodationId, out var idProblem))
            {
                return idProblem!;
            }

            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (StayRules.ParseDate(night, "night", errors) is not { } date)
            {
                return Problems.Validation(errors);
            }

            return await store.NightBookingsAsync(accommodationId, date, token) is { } bookings
                ? TypedResults.Ok(new NightBoard(accommodationId, date, bookings))
                : Problems.AccommodationNotFound();
        }, ct);
}
