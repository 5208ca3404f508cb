using BookingFunctions.Http;
using BookingFunctions.Inventory;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>What the front desk and the guest apps read: the calendar, who is on a night (staff), the availability search.</summary>
public sealed class InventoryReads(CalendarHandler calendar, NightBookingsHandler nightBookings, SearchAvailabilityHandler search)
{
    [Function("GetAccommodationCalendar")]
    public Task<IResult> Calendar(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.AccommodationCalendar)] HttpRequest req,
        string id,
        CancellationToken ct) => calendar.HandleAsync(req, id, ct);

    [Function("ListNightBookings")]
    public Task<IResult> NightBookings(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.AccommodationNightBookings)] HttpRequest req,
        string id,
        string night,
        CancellationToken ct) => nightBookings.HandleAsync(req, id, night, ct);

    [Function("SearchAvailability")]
    public Task<IResult> Search(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", Route = Routes.AvailabilitySearch)] HttpRequest req,
        CancellationToken ct) => search.HandleAsync(req, ct);
}
