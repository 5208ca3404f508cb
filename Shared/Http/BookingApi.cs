using BookingFunctions.Bookings;
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

        var availability = (HttpRequest request, string id, AvailabilityHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct);
        api.MapHead(Routes.Availability, availability);
        api.MapGet(Routes.Availability, availability)
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

        var get = (HttpRequest request, string id, GetBookingHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct);
        api.MapHead(Routes.Booking, get);
        api.MapGet(Routes.Booking, get)
            .WithName("GetBooking")
            .Produces<BookingResponse>()
            .WithBookingProblems();

        return api;
    }

    /// <summary>
    /// HEAD beside a GET, as the Functions app declares it: the same handler, and the server sends its status and
    /// headers without the body. Left out of the OpenAPI document, which describes the GET.
    /// </summary>
    private static RouteHandlerBuilder MapHead(this IEndpointRouteBuilder endpoints, string pattern, Delegate handler) =>
        endpoints.MapMethods(pattern, [HttpMethods.Head], handler).ExcludeFromDescription();

    private static RouteHandlerBuilder WithBookingProblems(this RouteHandlerBuilder builder) => builder
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
