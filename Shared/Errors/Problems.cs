using BookingFunctions.Http;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Errors;

/// <summary>Problem responses that do not come from the database: request validation and authentication.</summary>
public static class Problems
{
    public static IResult Validation(IDictionary<string, string[]> errors, string detail = "The request is not valid.") =>
        TypedResults.ValidationProblem(errors, detail, title: "Invalid request", type: ProblemTypes.Validation);

    public static IResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] }, message);

    /// <summary>A field error with another 4xx than 400 (e.g. 413 from the server's own body-size limit).</summary>
    public static IResult Validation(string field, string message, int status) =>
        status == StatusCodes.Status400BadRequest
            ? Validation(field, message)
            : TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = status,
                Title = "Invalid request",
                Type = ProblemTypes.Validation,
                Detail = message,
                Extensions = { ["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] } },
            });

    public static IResult UnsupportedMediaType() =>
        TypedResults.Problem("Send the request body as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type", type: ProblemTypes.UnsupportedMediaType);

    /// <summary>
    /// 401 with the RFC 6750 challenge: a bare "Bearer" when no token came, error="invalid_token" when one
    /// was refused. The detail never says which check failed, so it is no oracle for forging tokens.
    /// </summary>
    public static IResult Unauthenticated(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var challenge = request.Headers.Authorization.Count == 0 ? "Bearer" : "Bearer error=\"invalid_token\"";
        return new HeaderResult(
            TypedResults.Problem("Sign in again: a valid bearer token is required.", statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthenticated", type: ProblemTypes.Unauthenticated),
            ("WWW-Authenticate", challenge));
    }

    /// <summary>403: a valid token without the staff role on a staff route.</summary>
    public static IResult Forbidden() =>
        TypedResults.Problem("This operation is for staff: the token lacks the staff role.", statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden", type: ProblemTypes.Forbidden);

    public static IResult AccommodationNotFound() =>
        TypedResults.Problem("This accommodation does not exist.", statusCode: StatusCodes.Status404NotFound,
            title: "Accommodation not found", type: ProblemTypes.AccommodationNotFound);

    public static IResult BookingNotFound() =>
        TypedResults.Problem("This booking does not exist.", statusCode: StatusCodes.Status404NotFound,
            title: "Booking not found", type: ProblemTypes.BookingNotFound);
}
