using BookingFunctions.Bookings;
using BookingFunctions.Errors;
using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Inventory;

/// <summary>
/// GET /api/accommodations/{id}/calendar?from=&amp;to= (any signed-in caller; half-open, at most 366 nights). Staff
/// get capacity, booked, available and closed per night; guests only available and closed. Read from one snapshot
/// without locks: it may be a moment old, and a booking re-checks under lock.
/// </summary>
public sealed class CalendarHandler(InventoryAction action, InventoryStore store)
{
    public const int MaxNights = 366;

    public Task<IResult> HandleAsync(HttpRequest request, string id, CancellationToken ct) =>
        action.AnyCallerAsync(request, async (caller, token) =>
        {
            if (!RouteIds.TryParse(id, out var accommodationId, out var idProblem))
            {
                return idProblem!;
            }

            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            var from = StayRules.ParseDate(QueryValues.One(request, "from"), "from", errors);
            var to = StayRules.ParseDate(QueryValues.One(request, "to"), "to", errors);
            if (from is { } f && to is { } t && (t <= f || t.DayNumber - f.DayNumber > MaxNights))
            {
                errors["to"] = [$"to must be 1 to {MaxNights} days after from (the nights are from … to − 1)."];
            }

            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }

            var rows = await store.CalendarAsync(accommodationId, from!.Value, to!.Value, token);
            var unlimited = rows.Count > 0 && rows[0].Capacity is null;
            return caller.IsStaff
                ? TypedResults.Ok(new CalendarResponse<StaffCalendarNight>(accommodationId, from.Value, to.Value, unlimited,
                    rows.Select(r => new StaffCalendarNight(Timestamps.Date(r.Night), r.Capacity, r.Booked, Available(r, unlimited), r.Closed)).ToList()))
                : TypedResults.Ok(new CalendarResponse<GuestCalendarNight>(accommodationId, from.Value, to.Value, unlimited,
                    rows.Select(r => new GuestCalendarNight(Timestamps.Date(r.Night), Available(r, unlimited), r.Closed)).ToList()));
        }, ct);

    private static int? Available(CalendarRow row, bool unlimited) => unlimited && !row.Closed ? null : row.Available;
}
