using System.Text.RegularExpressions;
using BookingFunctions.Errors;
using BookingFunctions.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.StandaloneHost;

/// <summary>
/// POST /dev/sign-in {"name": "demo-guest", "staff": false}: a development token for the pages, mapped only when
/// Booking:Web:DevSignIn is on (./run). It answers loopback callers only, so a host started with it on by mistake
/// still mints nothing for the network.
/// </summary>
internal sealed partial class DevSignIn(IOptions<AuthOptions> auth, IOptions<WebAppOptions> web, TimeProvider time, ILogger<DevSignIn> logger)
{
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        if (!web.Value.DevSignIn || context.Connection.RemoteIpAddress is not { } remote || !System.Net.IPAddress.IsLoopback(remote))
        {
            return TypedResults.NotFound();
        }

        DevSignInRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync<DevSignInRequest>(context.RequestAborted);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return Problems.Validation("name", "Send {\"name\": \"demo-guest\", \"staff\": false} as application/json.");
        }

        var name = request?.Name?.Trim() ?? "";
        if (!NamePattern().IsMatch(name))
        {
            return Problems.Validation("name", "name: 1 to 64 letters, digits, '.', '_' or '-'.");
        }

        var staff = request!.Staff;
        var o = auth.Value;
        var now = time.GetUtcNow();
        var token = DevTokenMinter.Mint(o.DevSigningKey!, o.Issuer!, o.Audience!, o.StaffRole, name, staff, now);
        LogSignedIn(name, staff);
        return TypedResults.Ok(new DevSignInResponse(token, name, staff, now + DevTokenMinter.Lifetime));
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Development sign-in as {Subject} (staff: {Staff})")]
    private partial void LogSignedIn(string subject, bool staff);
}

internal sealed record DevSignInRequest(string? Name, bool Staff);

internal sealed record DevSignInResponse(string Token, string Subject, bool Staff, DateTimeOffset ExpiresAt);
