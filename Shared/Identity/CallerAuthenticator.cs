using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Identity;

/// <summary>Turns a request into a <see cref="Caller"/>, or null (→ 401).</summary>
public sealed class CallerAuthenticator(BearerTokenValidator validator, IOptions<AuthOptions> options)
{
    // Entra ID puts the object id in "oid" and App Service forwards it under its long claim name; "sub" first.
    private static readonly string[] SubjectClaims = ["sub", "http://schemas.microsoft.com/identity/claims/objectidentifier", "oid"];
    private static readonly string[] RoleClaims = ["roles", "role", ClaimTypes.Role];

    public async Task<Caller?> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var identity = await IdentityFromBearerAsync(request, ct);
        if (identity is null && options.Value.TrustAppServicePrincipal
            && request.Headers.TryGetValue(AppServicePrincipal.Header, out var principal) && principal.Count == 1)
        {
            identity = AppServicePrincipal.Parse(principal[0]!);
        }

        if (identity is null)
        {
            return null;
        }

        var subject = SubjectClaims.Select(identity.FindFirst).FirstOrDefault(c => c is not null)?.Value;
        if (!GuestSubject.IsAcceptable(subject))
        {
            return null;
        }

        var staffRole = options.Value.StaffRole;
        var isStaff = identity.Claims.Any(c => RoleClaims.Contains(c.Type, StringComparer.Ordinal)
            && string.Equals(c.Value, staffRole, StringComparison.Ordinal));
        return new Caller(subject!, isStaff);
    }

    private async Task<ClaimsIdentity?> IdentityFromBearerAsync(HttpRequest request, CancellationToken ct)
    {
        string? header = request.Headers.Authorization;
        const string scheme = "Bearer ";
        if (header is null || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[scheme.Length..].Trim();
        return token.Length == 0 ? null : await validator.ValidateAsync(token, ct);
    }
}
