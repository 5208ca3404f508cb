using BookingFunctions.Errors;
using BookingFunctions.Http;
using BookingFunctions.Identity;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Bookings;

/// <summary>
/// The shape every /api/bookings/{id}… endpoint shares: authenticate, parse the id, run one database
/// function as the caller (owner, or staff on any booking), map database errors. A booking that is not the
/// caller's is reported exactly like a missing one (404), so ids cannot be probed.
/// </summary>
public sealed class BookingAction(CallerAuthenticator authenticator, DatabaseErrorMapper errors)
{
    public async Task<IResult> RunAsync(HttpRequest request, string id,
        Func<Caller, Guid, CancellationToken, Task<IResult>> action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(action);
        var caller = await authenticator.AuthenticateAsync(request, ct);
        if (caller is null)
        {
            return Problems.Unauthenticated(request);
        }

        if (!RouteIds.TryParse(id, out var bookingId, out var idProblem))
        {
            return idProblem!;
        }

        try
        {
            return await action(caller, bookingId, ct);
        }
        catch (Exception e) when (errors.TryMap(e, out var result, caller.IsStaff))
        {
            return result;
        }
    }
}
