using System.Globalization;
using System.Text.Json;
using BookingFunctions.Http;
using BookingFunctions.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace BookingFunctions.Errors;

/// <summary>
/// The one place that turns database failures into problem responses. The BKxxx messages are written for
/// guests ("All 12 rooms are taken on 2026-12-24."), so they become the <c>detail</c> as they are; a data exception
/// (class 22) is the request's fault and a 400 without the database's text. Anything not listed here is not ours to
/// explain: it propagates and becomes a logged 500. Every mapped answer is counted (booking.requests.refused /
/// booking.requests.unavailable). An unreachable database is not logged here, once per request:
/// <see cref="Database.DatabaseOutageLog"/> logs an outage, not its requests.
/// </summary>
public sealed class DatabaseErrorMapper(IOptions<BookingOptions> options, ILogger<DatabaseErrorMapper> logger)
{
    /// <summary>
    /// Maps a database failure. <paramref name="forStaff"/>: the caller is staff, so the bookings a BK004 names (other
    /// guests' stays) may be shown; BK023 comes only from staff functions and always shows what is in the way.
    /// </summary>
    public bool TryMap(Exception exception, out IResult result, bool forStaff = false)
    {
        ArgumentNullException.ThrowIfNull(exception);
        result = exception switch
        {
            PostgresException { SqlState: "BK001" } e => Problem(e, 409, "Fully booked", ProblemTypes.FullyBooked),
            PostgresException { SqlState: "BK002" } e => Problem(e, 404, "Accommodation not found", ProblemTypes.AccommodationNotFound),
            PostgresException { SqlState: "BK003" } e => Problem(e, 400, "Invalid stay", ProblemTypes.InvalidStay),
            PostgresException { SqlState: "BK004" } e => forStaff
                ? Conflict(e, "No free room", ProblemTypes.NoFreeItem)
                : Problem(e, 409, "No free room", ProblemTypes.NoFreeItem),
            PostgresException { SqlState: "BK005" } e => Problem(e, 409, "Hold expired", ProblemTypes.HoldExpired),
            PostgresException { SqlState: "BK006" } e => Problem(e, 404, "Booking not found", ProblemTypes.BookingNotFound),
            PostgresException { SqlState: "BK007" } e => Problem(e, 422, "Idempotency key reused", ProblemTypes.IdempotencyKeyReused),
            PostgresException { SqlState: "BK008" } e => Problem(e, 409, "Invalid booking state", ProblemTypes.InvalidState),
            PostgresException { SqlState: "BK009" } e => Problem(e, 400, "Invalid argument", ProblemTypes.InvalidArgument),
            PostgresException { SqlState: "BK021" } e => Problem(e, 409, "Night closed", ProblemTypes.NightClosed),
            PostgresException { SqlState: "BK022" } e => Problem(e, 409, "No room for the whole stay", ProblemTypes.NoRoomForStay),
            PostgresException { SqlState: "BK023" } e => Conflict(e, "Inventory conflict", ProblemTypes.InventoryConflict),
            PostgresException { SqlState: "BK024" } e => TypedResults.ValidationProblem(
                new Dictionary<string, string[]>(StringComparer.Ordinal) { ["guests"] = [e.MessageText] },
                e.MessageText, title: "Too many guests", type: ProblemTypes.TooManyGuests),
            PostgresException { SqlState: "BK025" } e => Problem(e, 404, "Not found", ProblemTypes.NotFound),
            PostgresException { SqlState: "BK011" } e => Misconfigured(e),
            // Class 22, data exception: a value from the request PostgreSQL cannot take (a NUL in text, out of range,
            // unparsable). The caller's input, not our fault: 400, and never the database's wording, which may quote it.
            PostgresException e when e.SqlState.StartsWith("22", StringComparison.Ordinal) => InvalidValue(e.SqlState),
            // the same for a string Npgsql cannot even encode for the wire (a lone UTF-16 surrogate)
            System.Text.EncoderFallbackException => InvalidValue("encoding"),
            PostgresException { SqlState: "55P03" } e => Busy(e),
            // still 40001/40P01 after the retries: tell the client to come back rather than fail hard
            PostgresException { SqlState: "40001" or "40P01" } e => Busy(e),
            _ when IsUnavailable(exception) => Unavailable(),
            _ => null!,
        };
        return result is not null;
    }

    /// <summary>Server going away, connection refused or broken, pool or command timeouts, too many connections.</summary>
    internal static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal)
            || p.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "57014",
        // a multi-host connection string (primary + standbys) where no host could be used: one failure per host,
        // or none at all when every host is still marked down from an earlier try (Host Recheck Seconds)
        NpgsqlException { InnerException: AggregateException { InnerExceptions.Count: > 0 } perHost } =>
            perHost.InnerExceptions.All(IsUnavailable),
        NpgsqlException { InnerException: null } n when n.Message.StartsWith("No suitable host", StringComparison.Ordinal) => true,
        NpgsqlException n => n.IsTransient || n.InnerException is TimeoutException or System.Net.Sockets.SocketException or IOException,
        TimeoutException => true,
        _ => false,
    };

    private static ProblemHttpResult Problem(PostgresException e, int status, string title, string type)
    {
        BookingMetrics.Problem(type, status);
        return TypedResults.Problem(e.MessageText, statusCode: status, title: title, type: type);
    }

    private ProblemHttpResult InvalidValue(string sqlState)
    {
        logger.LogWarning("The database refused a value of the request ({SqlState}); answered 400", sqlState);
        BookingMetrics.Problem(ProblemTypes.InvalidValue, StatusCodes.Status400BadRequest);
        return TypedResults.Problem("A value in the request cannot be stored. Check its text for unusual characters.",
            statusCode: StatusCodes.Status400BadRequest, title: "Invalid value", type: ProblemTypes.InvalidValue);
    }

    /// <summary>
    /// BK011: the app's database session is not at READ COMMITTED (a role or database default, a pooler option), so
    /// every decision is refused. Not the caller's fault and not transient: a 500 and one clear Error line per request
    /// that names the setting to fix.
    /// </summary>
    private ProblemHttpResult Misconfigured(PostgresException e)
    {
        logger.LogError("Database session misconfigured ({SqlState}): {Message} {Hint}", e.SqlState, e.MessageText, e.Hint);
        BookingMetrics.Problem(ProblemTypes.Misconfigured, StatusCodes.Status500InternalServerError);
        return TypedResults.Problem("The booking system is misconfigured and cannot take decisions right now. The operator has been told.",
            statusCode: StatusCodes.Status500InternalServerError, title: "Server misconfigured", type: ProblemTypes.Misconfigured);
    }

    /// <summary>
    /// 409 whose extension members are what stands in the way, as the database wrote it into HINT (Npgsql redacts
    /// DETAIL): {"nights":[{night, booked, capacity}], "count": n} or {"bookings":[{bookingId, checkIn, checkOut, itemId}]}.
    /// </summary>
    private ProblemHttpResult Conflict(PostgresException e, string title, string type)
    {
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = title,
            Type = type,
            Detail = e.MessageText,
        };
        foreach (var (name, value) in ConflictMembers(e.Hint))
        {
            problem.Extensions[name] = value;
        }

        return TypedResults.Problem(problem);
    }

    private static readonly HashSet<string> ProblemMembers = new(StringComparer.OrdinalIgnoreCase)
    {
        "type", "title", "status", "detail", "instance", "errors", "traceId",
    };

    private List<(string Name, JsonElement Value)> ConflictMembers(string? hint)
    {
        if (string.IsNullOrWhiteSpace(hint))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(hint);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            var members = new List<(string, JsonElement)>();
            foreach (var member in document.RootElement.EnumerateObject().Where(m => !ProblemMembers.Contains(m.Name)))
            {
                // One shape per member for clients: "bookings" is a list; a bare number of bookings is a "count".
                var name = member.Name == "bookings" && member.Value.ValueKind == JsonValueKind.Number ? "count" : member.Name;
                members.Add((name, member.Value.Clone()));
            }

            return members;
        }
        catch (JsonException)
        {
            logger.LogWarning("A database conflict carried a HINT that is not JSON; answered without it");
            return [];
        }
    }

    private HeaderResult Busy(PostgresException e)
    {
        logger.LogWarning("Database busy ({SqlState}): {Message}", e.SqlState, e.MessageText);
        return RetryLater("The booking system is busy right now. Please try again in a moment.", "Busy", ProblemTypes.Busy);
    }

    private HeaderResult Unavailable() =>
        RetryLater("The booking system is temporarily unavailable. Please try again shortly.", "Service unavailable",
            ProblemTypes.Unavailable);

    private HeaderResult RetryLater(string detail, string title, string type)
    {
        BookingMetrics.Problem(type, StatusCodes.Status503ServiceUnavailable);
        return new(TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: title, type: type),
            ("Retry-After", options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture)));
    }
}
