using BookingFunctions.Bookings;
using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Inventory;

/// <summary>
/// GET /api/availability?checkIn=&amp;checkOut=&amp;guests=&amp;ids=a,b&amp;limit=&amp;cursor= (any signed-in caller): the
/// accommodations with a room free on every night of the stay whose rooms sleep <c>guests</c>, by id, one page at a
/// time. Same per-accommodation answer as the single availability check; a closed night counts as full.
/// </summary>
public sealed class SearchAvailabilityHandler(InventoryAction action, InventoryStore store, TimeProvider time)
{
    /// <summary>search_availability's limit on the ids one search may name.</summary>
    public const int MaxIds = 200;

    public Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct) =>
        action.AnyCallerAsync(request, async (_, token) =>
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var checkIn = StayRules.ParseDate(QueryValues.One(request, "checkIn"), "checkIn", errors);
            var checkOut = StayRules.ParseDate(QueryValues.One(request, "checkOut"), "checkOut", errors);
            StayRules.CheckStay(checkIn, checkOut, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), errors);
            var guests = QueryValues.WholeNumber(request, "guests", StayRules.MinGuests, StayRules.MinGuests, StayRules.MaxGuests, errors);
            var limit = QueryValues.Limit(request, errors);
            var ids = Ids(request, errors);
            Guid? after = null;
            if (request.Query.ContainsKey("cursor"))
            {
                if (QueryValues.One(request, "cursor") is { } cursor && PageCursor.TryReadId(cursor, out var last))
                {
                    after = last;
                }
                else
                {
                    errors["cursor"] = ["cursor must be a nextCursor this search returned."];
                }
            }

            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }

            var rows = await store.SearchAsync(checkIn!.Value, checkOut!.Value, guests, ids, limit + 1, after, token);
            var page = rows.Take(limit).Select(AvailableAccommodation.From).ToList();
            var next = rows.Count > limit ? PageCursor.ForId(page[^1].Id) : null;
            return TypedResults.Ok(new Page<AvailableAccommodation>(page, next));
        }, ct);

    /// <summary>ids=a,b,c: at most <see cref="MaxIds"/> UUIDs; absent = every accommodation.</summary>
    private static Guid[]? Ids(HttpRequest request, Dictionary<string, string[]> errors)
    {
        if (!request.Query.ContainsKey("ids"))
        {
            return null;
        }

        var parts = QueryValues.One(request, "ids")?.Split(',', StringSplitOptions.TrimEntries);
        var ids = new List<Guid>();
        foreach (var part in parts ?? [])
        {
            if (!Guid.TryParseExact(part, "D", out var id))
            {
                parts = null;
                break;
            }

            ids.Add(id);
        }

        if (parts is null || ids.Count == 0)
        {
            errors["ids"] = ["ids must be one comma-separated list of accommodation UUIDs."];
            return null;
        }

        if (ids.Count > MaxIds)
        {
            errors["ids"] = [$"ids may name at most {MaxIds} accommodations."];
            return null;
        }

        return ids.Distinct().ToArray();
    }
}
