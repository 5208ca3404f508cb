using BookingFunctions.Errors;
using BookingFunctions.Http;
using BookingFunctions.Identity;
using BookingFunctions.Inventory;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Bookings;

/// <summary>
/// GET /api/bookings?limit=&amp;cursor=: the caller's own bookings (the token subject's, staff included), newest first,
/// one keyset page at a time. Another guest's bookings cannot be listed: the guest is never a parameter.
/// </summary>
public sealed class ListBookingsHandler(CallerAuthenticator authenticator, BookingStore store, DatabaseErrorMapper errors)
{
    public const int DefaultPageSize = 20;

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = await authenticator.AuthenticateAsync(request, ct);
        if (caller is null)
        {
            return Problems.Unauthenticated(request);
        }

        var fieldErrors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var limit = QueryValues.WholeNumber(request, "limit", DefaultPageSize, 1, QueryValues.MaxPageSize, fieldErrors);
        (DateTime, Guid)? before = null;
        if (request.Query.ContainsKey("cursor"))
        {
            if (QueryValues.One(request, "cursor") is { } cursor && PageCursor.TryReadBooking(cursor, out var createdAt, out var id))
            {
                before = (createdAt, id);
            }
            else
            {
                fieldErrors["cursor"] = ["cursor must be a nextCursor this list returned."];
            }
        }

        if (fieldErrors.Count > 0)
        {
            return Problems.Validation(fieldErrors);
        }

        try
        {
            // one row more than the page tells whether another page follows
            var rows = await store.ListAsync(caller.Subject, limit + 1, before, ct);
            var page = rows.Take(limit).ToList();
            var next = rows.Count > limit ? PageCursor.ForBooking(page[^1].CreatedAtUtc, page[^1].Booking.Id) : null;
            return TypedResults.Ok(new Page<BookingResponse>(page.Select(r => r.Booking).ToList(), next));
        }
        catch (Exception e) when (errors.TryMap(e, out var result, caller.IsStaff))
        {
            return result;
        }
    }
}
