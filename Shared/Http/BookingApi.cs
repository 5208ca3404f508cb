using BookingFunctions.Bookings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BookingFunctions.Http;

/// <summary>
/// Maps the handlers on <see cref="Routes"/> for a plain ASP.NET Core host. The Functions app binds the same
/// handlers to the same constants through its trigger attributes, so there is one route table for both.
/// </summary>
public static class BookingApi
{
    public static RouteGroupBuilder MapBookingApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/" + Routes.Prefix).WithTags("Bookings");

        api.MapPost(Routes.Bookings, (HttpRequest request, CreateBookingHandler handler, CancellationToken ct) => handler.HandleAsync(request, ct))
            .WithName("CreateBookingSecurely")
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

        api.MapGet(Routes.Bookings, (HttpRequest request, ListBookingsHandler handler, CancellationToken ct) => handler.HandleAsync(request, ct))
            .WithName("ListBookings")
            .WithSummary("List the caller's own bookings, newest first")
            .WithDescription("Any signed-in caller: the bookings of the token's subject (never another guest's). `limit` 1–100 (default 20); pass `nextCursor` as `cursor` for the next page (null on the last).")
            .WithMetadata(QueryParameter.WholeNumber("limit", "Page size, 1 to 100 (default 20)."),
                new QueryParameter("cursor", "The nextCursor of the previous page (opaque)."))
            .Produces<Inventory.Page<BookingResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet(Routes.Availability, (HttpRequest request, string id, AvailabilityHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("CheckAvailability")
            .Produces<AvailabilityResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost(Routes.BookingItem, (HttpRequest request, string id, AssignItemHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("AssignItem")
            .Produces<ItemAssignmentResponse>()
            .WithBookingProblems();

        api.MapPost(Routes.BookingConfirm, (HttpRequest request, string id, ConfirmBookingHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("ConfirmBooking")
            .Produces<BookingResponse>()
            .WithBookingProblems();

        api.MapPost(Routes.BookingCancel, (HttpRequest request, string id, CancelBookingHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("CancelBooking")
            .Produces<BookingResponse>()
            .WithBookingProblems();

        api.MapGet(Routes.Booking, (HttpRequest request, string id, GetBookingHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("GetBooking")
            .Produces<BookingResponse>()
            .WithBookingProblems();

        return api;
    }

    private static RouteHandlerBuilder WithBookingProblems(this RouteHandlerBuilder builder) => builder
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
