using BookingFunctions.Errors;
using BookingFunctions.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Inventory;

/// <summary>
/// The shape every inventory endpoint shares: authenticate (401), then — on staff routes — require the staff role
/// (403, before anything about the request is looked at, so guests learn nothing from it), run the handler's calls,
/// map database errors. A refused change (409) is logged with who asked, so staff conflicts can be traced.
/// </summary>
public sealed partial class InventoryAction(CallerAuthenticator authenticator, DatabaseErrorMapper errors, ILogger<InventoryAction> logger)
{
    /// <summary>Staff only.</summary>
    public Task<IResult> StaffAsync(HttpRequest request, Func<Caller, CancellationToken, Task<IResult>> action, CancellationToken ct) =>
        RunAsync(request, staffOnly: true, action, ct);

    /// <summary>Any authenticated caller; the handler decides what a guest sees.</summary>
    public Task<IResult> AnyCallerAsync(HttpRequest request, Func<Caller, CancellationToken, Task<IResult>> action, CancellationToken ct) =>
        RunAsync(request, staffOnly: false, action, ct);

    private async Task<IResult> RunAsync(HttpRequest request, bool staffOnly, Func<Caller, CancellationToken, Task<IResult>> action,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(action);
        var caller = await authenticator.AuthenticateAsync(request, ct);
        if (caller is null)
        {
            return Problems.Unauthenticated(request);
        }

        if (staffOnly && !caller.IsStaff)
        {
            LogForbidden(caller.Subject, request.Method, request.Path.Value ?? "");
            return Problems.Forbidden();
        }

        try
        {
            return await action(caller, ct);
        }
        catch (Exception e) when (errors.TryMap(e, out var result, caller.IsStaff))
        {
            if (result is ProblemHttpResult { StatusCode: StatusCodes.Status409Conflict } conflict)
            {
                LogRefused(caller.Subject, request.Method, request.Path.Value ?? "", conflict.ProblemDetails.Type ?? "", conflict.ProblemDetails.Detail ?? "");
            }

            return result;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Actor} without the staff role was refused {Method} {Path}")]
    private partial void LogForbidden(string actor, string method, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Actor} {Method} {Path} refused ({ProblemType}): {Detail}")]
    private partial void LogRefused(string actor, string method, string path, string problemType, string detail);
}
