using System.Globalization;
using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Bookings;

/// <summary>
/// GET /api/accommodations/{id}/availability?checkIn=&amp;checkOut=: rooms free for the whole stay.
/// Public (no token: guests browse before signing in) and briefly cacheable; the booking itself re-checks
/// under lock, so a slightly stale answer can never oversell.
/// </summary>
public sealed class AvailabilityHandler(BookingStore store, DatabaseErrorMapper errors, IOptions<BookingOptions> options)
{
    public async Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!RouteIds.TryParse(id, out var accommodationId, out var idProblem))
        {
            return idProblem!;
        }

        var fieldErrors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var checkIn = StayRules.ParseDate(Single(request, "checkIn"), "checkIn", fieldErrors);
        var checkOut = StayRules.ParseDate(Single(request, "checkOut"), "checkOut", fieldErrors);
        StayRules.CheckStay(checkIn, checkOut, today: null, fieldErrors);
        if (fieldErrors.Count > 0)
        {
            return Problems.Validation(fieldErrors);
        }

        try
        {
            var rooms = await store.AvailabilityAsync(accommodationId, checkIn!.Value, checkOut!.Value, ct);
            var maxAge = options.Value.AvailabilityCacheSeconds.ToString(CultureInfo.InvariantCulture);
            return new HeaderResult(TypedResults.Ok(AvailabilityResponse.From(rooms)), ("Cache-Control", $"public, max-age={maxAge}"));
        }
        catch (Exception e) when (errors.TryMap(e, out var result))
        {
            return result;
        }
    }

    // A repeated parameter is ambiguous: treat it as missing rather than pick one.
    private static string? Single(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}
