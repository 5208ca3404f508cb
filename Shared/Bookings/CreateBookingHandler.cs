using BookingFunctions.Errors;
using BookingFunctions.Http;
using BookingFunctions.Identity;
using BookingFunctions.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Bookings;

/// <summary>
/// POST /api/bookings: holds one room for the token's subject. With an Idempotency-Key the database
/// returns the first booking for a replay, so a retried request gets the same 201, Location and body.
/// </summary>
public sealed class CreateBookingHandler(
    CallerAuthenticator authenticator,
    BookingStore store,
    DatabaseErrorMapper errors,
    IOptions<BookingOptions> options,
    TimeProvider time,
    ILogger<CreateBookingHandler> logger)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public async Task<IResult> HandleAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = await authenticator.AuthenticateAsync(request, ct);
        if (caller is null)
        {
            return Problems.Unauthenticated(request);
        }

        string? idempotencyKey = null;
        if (request.Headers.TryGetValue(IdempotencyKeyHeader, out var keys))
        {
            if (keys.Count != 1 || !StayRules.IsValidIdempotencyKey(keys[0]!))
            {
                return Problems.Validation(IdempotencyKeyHeader,
                    $"{IdempotencyKeyHeader} must be one value of 1 to {StayRules.MaxIdempotencyKeyLength} printable ASCII characters.");
            }

            idempotencyKey = keys[0];
        }

        var (body, problem) = await JsonBody.ReadAsync<CreateBookingRequest>(request, options.Value.MaxRequestBodyBytes, ct);
        if (problem is not null)
        {
            return problem;
        }

        var fieldErrors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body!.AccommodationId is not { } accommodationId || accommodationId == Guid.Empty)
        {
            fieldErrors["accommodationId"] = ["accommodationId is required."];
            accommodationId = Guid.Empty;
        }

        var checkIn = StayRules.ParseDate(body.CheckIn, "checkIn", fieldErrors);
        var checkOut = StayRules.ParseDate(body.CheckOut, "checkOut", fieldErrors);
        StayRules.CheckStay(checkIn, checkOut, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), fieldErrors);
        var guests = body.Guests ?? StayRules.MinGuests;
        StayRules.CheckGuests(guests, fieldErrors);
        if (fieldErrors.Count > 0)
        {
            return Problems.Validation(fieldErrors);
        }

        try
        {
            var booking = await store.CreateAsync(accommodationId, caller.Subject, checkIn!.Value, checkOut!.Value, guests, idempotencyKey, ct);
            logger.LogInformation("Booking {BookingId} holds accommodation {AccommodationId} from {CheckIn} to {CheckOut} until {HoldExpiresAt}",
                booking.Id, accommodationId, checkIn, checkOut, booking.HoldExpiresAt);
            BookingMetrics.BookingCreated();
            return TypedResults.Created(Routes.BookingLocation(booking.Id), booking);
        }
        catch (Exception e) when (errors.TryMap(e, out var result))
        {
            return result;
        }
    }
}
