using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Inventory;

/// <summary>
/// GET /api/accommodations?limit=&amp;cursor= (any signed-in caller): by name, one page at a time. Staff see the
/// inventory facts (<see cref="AccommodationResponse"/>), guests the public ones (<see cref="AccommodationSummary"/>).
/// </summary>
public sealed class ListAccommodationsHandler(InventoryAction action, InventoryStore store)
{
    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct) =>
        action.AnyCallerAsync(request, async (caller, token) =>
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var limit = QueryValues.Limit(request, errors);
            (string, Guid)? after = null;
            if (request.Query.ContainsKey("cursor"))
            {
                if (QueryValues.One(request, "cursor") is { } cursor && PageCursor.TryReadAccommodation(cursor, out var name, out var id))
                {
                    after = (name, id);
                }
                else
                {
                    errors["cursor"] = ["cursor must be a nextCursor this list returned."];
                }
            }

            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }

            // one row more than the page tells whether another page follows
            var rows = await store.ListAsync(limit + 1, after, token);
            var page = rows.Take(limit).ToList();
            var next = rows.Count > limit ? PageCursor.ForAccommodation(page[^1].Name, page[^1].Id) : null;
            return caller.IsStaff
                ? TypedResults.Ok(new Page<AccommodationResponse>(page.Select(AccommodationResponse.From).ToList(), next))
                : TypedResults.Ok(new Page<AccommodationSummary>(page.Select(AccommodationSummary.From).ToList(), next));
        }, ct);
}
