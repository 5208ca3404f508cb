using BookingFunctions.Errors;
using BookingFunctions.Http;
using BookingFunctions.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Bookings;

/// <summary>
/// POST /api/bookings: holds one room, or a group of 1–20 rooms (all or none), for the token's subject. With an
/// Idempotency-Key the database returns the first booking (or group) for a replay, so a retried request gets the same
/// 201, Location and body, marked <c>Idempotent-Replayed: true</c> (see <see cref="CreateBookingAnswer"/>).
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

    /// <summary>On a 201 that replays an earlier request's answer for the same Idempotency-Key.</summary>
    public const string IdempotentReplayedHeader = CreateBookingAnswer.ReplayedHeader;

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
        var order = CreateBookingBody.ToOrder(body!, caller.Subject, idempotencyKey, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), fieldErrors);
        if (order is null)
        {
            return Problems.Validation(fieldErrors);
        }

        try
        {
            var booked = await store.BookAsync(order, ct);
            Log(booked);
            return CreateBookingAnswer.For(order, booked, time.GetUtcNow(), options.Value.IdempotencyKeyRetention);
        }
        catch (Exception e) when (errors.TryMap(e, out var result))
        {
            return result;
        }
    }

    private void Log(BookedRooms booked)
    {
        if (booked.Replayed)
        {
            logger.LogInformation("Idempotency-Key replayed: booking {BookingId} (group {GroupId}, {Rooms} room(s)) first booked at {CreatedAt}",
                booked.Bookings[0].Id, booked.GroupId, booked.Bookings.Count, booked.CreatedAt);
        }
        else if (booked.GroupId is { } group)
        {
            logger.LogInformation("Group {GroupId} holds {Rooms} room(s) until {HoldExpiresAt}", group, booked.Bookings.Count,
                booked.Bookings[0].HoldExpiresAt);
        }
        else
        {
            var booking = booked.Bookings[0];
            logger.LogInformation("Booking {BookingId} holds accommodation {AccommodationId} from {CheckIn} to {CheckOut} until {HoldExpiresAt}",
                booking.Id, booking.AccommodationId, booking.CheckIn, booking.CheckOut, booking.HoldExpiresAt);
        }
    }
}
