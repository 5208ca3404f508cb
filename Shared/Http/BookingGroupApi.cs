using BookingFunctions.Bookings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BookingFunctions.Http;

/// <summary>
/// Maps the group booking routes (issue 13) on <see cref="Routes"/> for a plain ASP.NET Core host; the Functions app
/// binds the same handlers through BookingGroups/. A group is created by POST /api/bookings with "rooms".
/// </summary>
public static class BookingGroupApi
{
    public static IEndpointRouteBuilder MapBookingGroupApi(this IEndpointRouteBuilder api)
    {
        api.MapGetAndHead(Routes.BookingGroup, (HttpRequest request, string id, GetBookingGroupHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("GetBookingGroup")
            .WithTags(BookingApi.Tags.Bookings)
            .WithSummary("Read a group booking and its bookings")
            .WithDescription("The owner, or staff. Another guest's group answers 404 like a missing one. Each booking of the group is also served by GET /api/bookings/{id}.")
            .Produces<BookingGroupResponse>()
            .WithGroupProblems(conflict: false);

        api.MapPost(Routes.BookingGroupConfirm, (HttpRequest request, string id, ConfirmBookingGroupHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("ConfirmBookingGroup")
            .WithTags(BookingApi.Tags.Bookings)
            .WithSummary("Confirm every booking of a group, all or none")
            .WithDescription("Idempotent. A booking whose hold expired is confirmed late when every night of it still has a room (`lateConfirmation: true` on it); if one room is gone nothing is confirmed: 409 hold-expired naming the night.")
            .Produces<BookingGroupResponse>()
            .WithGroupProblems(conflict: true);

        api.MapPost(Routes.BookingGroupCancel, (HttpRequest request, string id, CancelBookingGroupHandler handler, CancellationToken ct) => handler.HandleAsync(request, id, ct))
            .WithName("CancelBookingGroup")
            .WithTags(BookingApi.Tags.Bookings)
            .WithSummary("Cancel every booking of a group and release their rooms")
            .WithDescription("Idempotent: a cancelled or expired booking stays as it is.")
            .Produces<BookingGroupResponse>()
            .WithGroupProblems(conflict: false);

        return api;
    }

    private static RouteHandlerBuilder WithGroupProblems(this RouteHandlerBuilder builder, bool conflict)
    {
        builder.ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return conflict ? builder.ProducesProblem(StatusCodes.Status409Conflict) : builder;
    }
}
