using BookingFunctions.Http;
using BookingFunctions.Telemetry;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Errors;

/// <summary>
/// Problem responses that do not come from the database: request validation and authentication. Each is
/// counted once here, where it is made (booking.requests.refused, by type).
/// </summary>
public static class Problems
{
    public static IResult Validation(IDictionary<string, string[]> errors, string detail = "The request is not valid.")
    {
        BookingMetrics.Problem(ProblemTypes.Validation, StatusCodes.Status400BadRequest);
        return TypedResults.ValidationProblem(errors, detail, title: "Invalid request", type: ProblemTypes.Validation);
    }

    public static IResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] }, message);

    /// <summary>A field error with another 4xx than 400 (e.g. 413 from the server's own body-size limit).</summary>
    public static IResult Validation(string field, string message, int status)
    {
        if (status == StatusCodes.Status400BadRequest)
        {
            return Validation(field, message);
        }

        BookingMetrics.Problem(ProblemTypes.Validation, status);
        return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = status,
            Title = "Invalid request",
            Type = ProblemTypes.Validation,
            Detail = message,
            Extensions = { ["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] } },
        });
    }

    public static IResult UnsupportedMediaType()
    {
        BookingMetrics.Problem(ProblemTypes.UnsupportedMediaType, StatusCodes.Status415UnsupportedMediaType);
        return TypedResults.Problem("Send the request body as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type", type: ProblemTypes.UnsupportedMediaType);
    }

    /// <summary>
    /// 401 with the RFC 6750 challenge: a bare "Bearer" when no token came, error="invalid_token" when one
    /// was refused. The detail never says which check failed, so it is no oracle for forging tokens.
    /// </summary>
    public static IResult Unauthenticated(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var challenge = request.Headers.Authorization.Count == 0 ? "Bearer" : "Bearer error=\"invalid_token\"";
        BookingMetrics.Problem(ProblemTypes.Unauthenticated, StatusCodes.Status401Unauthorized);
        return new HeaderResult(
            TypedResults.Problem("Sign in again: a valid bearer token is required.", statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthenticated", type: ProblemTypes.Unauthenticated),
            ("WWW-Authenticate", challenge));
    }

    /// <summary>403: a valid token without the staff role on a staff route.</summary>
    public static IResult Forbidden()
    {
        BookingMetrics.Problem(ProblemTypes.Forbidden, StatusCodes.Status403Forbidden);
        return TypedResults.Problem("This operation is for staff: the token lacks the staff role.", statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden", type: ProblemTypes.Forbidden);
    }

    public static IResult AccommodationNotFound()
    {
        BookingMetrics.Problem(ProblemTypes.AccommodationNotFound, StatusCodes.Status404NotFound);
        return TypedResults.Problem("This accommodation does not exist.", statusCode: StatusCodes.Status404NotFound,
            title: "Accommodation not found", type: ProblemTypes.AccommodationNotFound);
    }

    /// <summary>
    /// 422: an Idempotency-Key replayed after its retention window. Never a new booking and never silently the old one:
    /// the detail says when and for what the key was used; <c>groupId</c> or <c>bookingId</c> and <c>usedAt</c> say it
    /// to programs.
    /// </summary>
    public static IResult IdempotencyKeyExpired(string detail, Guid? groupId, Guid? bookingId, DateTimeOffset usedAt)
    {
        BookingMetrics.Problem(ProblemTypes.IdempotencyKeyExpired, StatusCodes.Status422UnprocessableEntity);
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "Idempotency key expired",
            Type = ProblemTypes.IdempotencyKeyExpired,
            Detail = detail,
        };
        if (groupId is { } group)
        {
            problem.Extensions["groupId"] = group;
        }

        if (bookingId is { } booking)
        {
            problem.Extensions["bookingId"] = booking;
        }

        problem.Extensions["usedAt"] = usedAt;
        return TypedResults.Problem(problem);
    }

    public static IResult BookingNotFound()
    {
        BookingMetrics.Problem(ProblemTypes.BookingNotFound, StatusCodes.Status404NotFound);
        return TypedResults.Problem("This booking does not exist.", statusCode: StatusCodes.Status404NotFound,
            title: "Booking not found", type: ProblemTypes.BookingNotFound);
    }
}
