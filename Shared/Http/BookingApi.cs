using BookingFunctions.Bookings;
using BookingFunctions.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BookingFunctions.Http;

/// <summary>
/// Maps the handlers on <see cref="Routes"/> for a plain ASP.NET Core host. The Functions app binds the same
/// handlers to the same constants (and methods, HEAD beside every GET) through its trigger attributes, so there
/// is one route table for both.
/// </summary>
public static class BookingApi
{
    public static RouteGroupBuilder MapBookingApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/" + Routes.Prefix);

        api.MapPost(Routes.Bookings, (HttpRequest request, CreateBookingHandler handler, CancellationToken ct) => handler.HandleAsync(request, ct))
            .WithName("CreateBookingSecurely")
            .WithTags(Tags.Bookings)
            .WithSummary("Hold one room, or a group of rooms, for the signed-in guest")
            .WithDescription("One stay (201: the booking, Location /api/bookings/{id}) or `rooms`: 1 to 20 stays booked all or none " +
                             "(201: {groupId, bookings}, Location /api/booking-groups/{id}). With an Idempotency-Key a retry gets the same " +
                             "answer with `Idempotent-Replayed: true` and the bookings' current status; after the key's retention window " +
                             "(24 h by default) 422 idempotency-key-expired.")
            // No .Accepts<>(): its content-type matcher would answer 415 itself, outside our problem types
            // and unlike the Functions host; the handler checks the media type. The body schema is added
            // to the OpenAPI document by the standalone host instead.
            .Produces<BookingResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGetAndHead(Routes.Bookings, (HttpRequest request, ListBookingsHandler handler, CancellationToken ct) => handler.HandleAsync(request, ct))
            .WithName("ListBookings")
            .WithSummary("List the caller's own bookings, newest first")
            .WithDescription("Any signed-in caller: the bookings of the token's subject (never another guest's). `limit` 1–100 (default 20); pass `nextCursor` as `cursor` for the next page (null on the last).")
            .WithMetadata(QueryParameter.WholeNumber("limit", "Page size, 1 to 100 (default 20)."),
                new QueryParameter("cursor", "The nextCursor of the previous page (opaque)."))
            .Produces<Inventory.Page<BookingResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

                api.MapGetAndHead(Routes.Availability, (HttpRequest request, string id, AvailabilityHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("CheckAvailability")
            .WithTags(Tags.Availability)
            .WithSummary("Rooms free for every night of a stay")
            .Produces<AvailabilityResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost(Routes.BookingItem, (HttpRequest request, string id, AssignItemHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("AssignItem")
            .WithTags(Tags.Bookings)
            .WithSummary("Give a booking one physical room free for all its nights")
            .Produces<ItemAssignmentResponse>()
            .WithBookingProblems();

        api.MapPost(Routes.BookingConfirm, (HttpRequest request, string id, ConfirmBookingHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("ConfirmBooking")
            .WithTags(Tags.Bookings)
            .WithSummary("Confirm a held booking")
            .Produces<BookingResponse>()
            .WithBookingProblems();

        api.MapPost(Routes.BookingCancel, (HttpRequest request, string id, CancelBookingHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("CancelBooking")
            .WithTags(Tags.Bookings)
            .WithSummary("Cancel a booking and release its room")
            .Produces<BookingResponse>()
            .WithBookingProblems();

        api.MapGetAndHead(Routes.Booking, (HttpRequest request, string id, GetBookingHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("GetBooking")
            .WithTags(Tags.Bookings)
            .WithSummary("Read a booking")
            .Produces<BookingResponse>()
            .WithBookingProblems();

        api.MapBookingGroupApi();

        api.MapGetAndHead(Routes.Health, (HttpRequest request, HealthHandler handler, CancellationToken ct) => handler.HandleAsync(request, ct))
            .WithName("Health")
            .WithTags(Tags.Operations)
            .WithSummary("Database reachable, schema current, last audit of this instance")
            .Produces<HealthReport>()
            // the Functions host's answer to a request without the function key (the standalone host has none)
            .Produces(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return api;
    }

    /// <summary>Operation tags of the OpenAPI document (their descriptions are added by the standalone host).</summary>
    public static class Tags
    {
        public const string Bookings = "Bookings";
        public const string Availability = "Availability";
        public const string Operations = "Operations";
    }


    private static RouteHandlerBuilder WithBookingProblems(this RouteHandlerBuilder builder) => builder
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
