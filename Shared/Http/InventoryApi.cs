using BookingFunctions.Inventory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BookingFunctions.Http;

/// <summary>
/// Maps the inventory handlers (staff API, guest reads, availability search) on <see cref="Routes"/> for a plain
/// ASP.NET Core host; the Functions app binds the same handlers through the adapters in Inventory/.
/// </summary>
public static class InventoryApi
{
    public const string AccommodationsTag = "Accommodations";
    public const string AvailabilityTag = "Availability";

    public static IEndpointRouteBuilder MapInventoryApi(this IEndpointRouteBuilder endpoints)
    {
        var accommodations = endpoints.MapGroup("/" + Routes.Prefix).WithTags(AccommodationsTag);
        var availability = endpoints.MapGroup("/" + Routes.Prefix).WithTags(AvailabilityTag);

        accommodations.MapPost(Routes.Accommodations, (HttpRequest request, CreateAccommodationHandler handler, CancellationToken ct) => handler.HandleAsync(request, ct))
            .WithName("CreateAccommodation")
            .WithSummary("Create an accommodation (room type)")
            .WithDescription("Staff only. Every member is required; `capacity: null` means unlimited. Not idempotent: list before retrying a request whose answer was lost.")
            .WithMetadata(new JsonRequestBody(typeof(CreateAccommodationRequest), "The room type: name, capacity (null = unlimited), maxGuests, IANA timeZone."))
            .Produces<AccommodationResponse>(StatusCodes.Status201Created)
            .WithStaffProblems(StatusCodes.Status400BadRequest, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable);

        accommodations.MapGetAndHead(Routes.Accommodations, (HttpRequest request, ListAccommodationsHandler handler, CancellationToken ct) => handler.HandleAsync(request, ct))
            .WithName("ListAccommodations")
            .WithMetadata(QueryParameter.WholeNumber("limit", "Page size, 1 to 100 (default 50)."),
                new QueryParameter("cursor", "The nextCursor of the previous page (opaque)."))
            .WithSummary("List accommodations, by name, one page at a time")
            .WithDescription("Any signed-in caller. `limit` 1–100 (default 50); pass `nextCursor` as `cursor` for the next page. Staff get AccommodationResponse items; guests get AccommodationSummary items (id, name, maxGuests, timeZone).")
            .Produces<Page<AccommodationResponse>>()
            .WithReaderProblems(StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable);

        accommodations.MapGetAndHead(Routes.Accommodation, (HttpRequest request, string id, GetAccommodationHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("GetAccommodation")
            .WithSummary("Read one accommodation")
            .WithDescription("Any signed-in caller. Staff get AccommodationResponse; guests get AccommodationSummary (id, name, maxGuests, timeZone).")
            .Produces<AccommodationResponse>()
            .WithReaderProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        accommodations.MapPatch(Routes.Accommodation, (HttpRequest request, string id, UpdateAccommodationHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("UpdateAccommodation")
            .WithSummary("Change name, capacity, maxGuests or time zone")
            .WithDescription("Staff only. Merge-patch style: absent members stay; `capacity: null` = unlimited. Lowering the capacity below what any night from the property's today holds answers 409 inventory-conflict with `nights` [{night, booked, capacity}] and `count`.")
            .WithMetadata(new JsonRequestBody(typeof(UpdateAccommodationRequest), "The members to change; absent members stay as they are.",
                "application/merge-patch+json", "application/json"))
            .Produces<AccommodationResponse>()
            .WithStaffProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
                StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable);

        accommodations.MapGetAndHead(Routes.AccommodationItems, (HttpRequest request, string id, ListItemsHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("ListAccommodationItems")
            .WithSummary("List the rooms of an accommodation")
            .WithDescription("Staff only. By label, with each room's retirement date and whether it is in service today.")
            .Produces<ItemList>()
            .WithStaffProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        accommodations.MapPost(Routes.AccommodationItems, (HttpRequest request, string id, AddItemHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("AddAccommodationItem")
            .WithSummary("Add a room to an accommodation")
            .WithDescription("Staff only. In service from now on. Labels are unique per accommodation, so a retried request answers 409 instead of adding a second room. The first room makes the rooms the limit: refused (409) while a night from today holds more bookings.")
            .WithMetadata(new JsonRequestBody(typeof(AddItemRequest), "The room's label, e.g. H101."))
            .Produces<ItemResponse>(StatusCodes.Status201Created)
            .WithStaffProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
                StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable);

        accommodations.MapPatch(Routes.AccommodationItem, (HttpRequest request, string id, string itemId, RetireItemHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, itemId, ct))
            .WithName("SetAccommodationItemRetirement")
            .WithSummary("Retire a room from a night on, or return it to service")
            .WithDescription("Staff only. `retiredFrom` (from the property's today on) or null. The room's future stays move to free rooms in the same transaction (`moved`; item_moved events); a stay that has started never moves. 409 inventory-conflict with `nights` (too few rooms left) or `bookings` (stays that cannot keep a room).")
            .WithMetadata(new JsonRequestBody(typeof(RetireItemRequest), "The first night out of service, or null to return the room to service.",
                "application/merge-patch+json", "application/json"))
            .Produces<ItemRetirementResponse>()
            .WithStaffProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict,
                StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status503ServiceUnavailable);

        accommodations.MapGetAndHead(Routes.AccommodationClosures, (HttpRequest request, string id, ListClosuresHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("ListClosures")
            .WithMetadata(QueryParameter.Date("from", "Only closures ending after this night (yyyy-MM-dd).", required: false))
            .WithSummary("List the closures of an accommodation")
            .WithDescription("Staff only. `from` (optional): only closures ending after that night.")
            .Produces<ClosureList>()
            .WithStaffProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        accommodations.MapPost(Routes.AccommodationClosures, (HttpRequest request, string id, AddClosureHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("AddClosure")
            .WithSummary("Close nights to new bookings (stop-sell)")
            .WithDescription("Staff only. The nights [from, to) — from the property's today on, at most two years ahead — refuse new bookings with night-closed. Bookings already on them stay and are listed in `bookings`. A retry after a lost answer adds a second identical closure (harmless; list and remove it).")
            .WithMetadata(new JsonRequestBody(typeof(AddClosureRequest), "The nights [from, to) and a reason staff will read later."))
            .Produces<NewClosureResponse>(StatusCodes.Status201Created)
            .WithStaffProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status503ServiceUnavailable);

        accommodations.MapDelete(Routes.AccommodationClosure, (HttpRequest request, string id, string closureId, RemoveClosureHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, closureId, ct))
            .WithName("RemoveClosure")
            .WithSummary("Remove a closure")
            .WithDescription("Staff only. Its nights reopen unless another closure covers them. 404 not-found once removed.")
            .Produces(StatusCodes.Status204NoContent)
            .WithStaffProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        accommodations.MapGetAndHead(Routes.AccommodationCalendar, (HttpRequest request, string id, CalendarHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("GetAccommodationCalendar")
            .WithMetadata(QueryParameter.Date("from", "First night (yyyy-MM-dd)."),
                QueryParameter.Date("to", "The night after the last one (yyyy-MM-dd); at most 366 nights after from."))
            .WithSummary("Per-night calendar of an accommodation")
            .WithDescription("Any signed-in caller. Nights [from, to), at most 366. Staff get capacity, booked, available and closed per night; guests get available and closed only. Unlimited: `unlimited: true`, capacity and available null (0 when closed).")
            .Produces<CalendarResponse<StaffCalendarNight>>()
            .WithReaderProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        accommodations.MapGetAndHead(Routes.AccommodationNightBookings, (HttpRequest request, string id, string night, NightBookingsHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, night, ct))
            .WithName("ListNightBookings")
            .WithSummary("Who is on one night (front-desk board)")
            .WithDescription("Staff only. The active bookings (confirmed, or pending with a live hold) covering the night, with their rooms.")
            .Produces<NightBoard>()
            .WithStaffProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable);

        availability.MapGetAndHead(Routes.AvailabilitySearch, (HttpRequest request, SearchAvailabilityHandler handler, CancellationToken ct) => handler.HandleAsync(request, ct))
            .WithName("SearchAvailability")
            .WithMetadata(QueryParameter.Date("checkIn", "First night of the stay (yyyy-MM-dd)."),
                QueryParameter.Date("checkOut", "Check-out day (yyyy-MM-dd), after checkIn, at most 365 nights later."),
                QueryParameter.WholeNumber("guests", "Guests in the room, 1 to 50 (default 1): only room types whose maxGuests is at least this."),
                new QueryParameter("ids", "Only these accommodations: comma-separated UUIDs, at most 200."),
                QueryParameter.WholeNumber("limit", "Page size, 1 to 100 (default 50)."),
                new QueryParameter("cursor", "The nextCursor of the previous page (opaque)."))
            .WithSummary("Find accommodations with a room for a stay")
            .WithDescription("Any signed-in caller. Accommodations with a room free on every night of [checkIn, checkOut) and maxGuests ≥ `guests` (default 1); optionally only `ids` (comma-separated, at most 200). By id, `limit` 1–100, `cursor` = the previous page's nextCursor. A closed night counts as full.")
            .Produces<Page<AvailableAccommodation>>()
            .WithReaderProblems(StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable);

        return endpoints;
    }

    /// <summary>Problems every staff operation may answer: 401 no valid token, 403 not staff, plus the given ones.</summary>
    private static RouteHandlerBuilder WithStaffProblems(this RouteHandlerBuilder builder, params int[] statuses) =>
        builder.WithReaderProblems([StatusCodes.Status403Forbidden, .. statuses]);

    private static RouteHandlerBuilder WithReaderProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        builder.ProducesProblem(StatusCodes.Status401Unauthorized);
        foreach (var status in statuses)
        {
            if (status == StatusCodes.Status400BadRequest)
            {
                builder.ProducesValidationProblem();
            }
            else
            {
                builder.ProducesProblem(status);
            }
        }

        return builder;
    }
}
