using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace BookingFunctions.Identity;

/// <summary>
/// Validates bearer JWTs: signature, issuer, audience, lifetime (expiry required), with the algorithms
/// pinned so neither "none" nor an HMAC-with-the-public-key confusion can pass. Done in the handlers'
/// path rather than by authentication middleware, because the Functions worker and Kestrel would otherwise
/// need two different pipelines to behave the same.
/// </summary>
public sealed class BearerTokenValidator
{
    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    // An app sends the same access token with every request until it expires. Measured (bench W6): validating
    // it again each time was a visible share of the host's CPU. A token that passed is remembered until it
    // expires, but at most RememberFor, so a key rotation or a changed setting takes effect within that time.
    // The key is the whole token: only the very same bytes are ever accepted from memory.
    internal static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(5);
    internal const int MaxRemembered = 10_000;

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (ClaimsIdentity Identity, DateTimeOffset Until)> _validated = new(StringComparer.Ordinal);

    public BearerTokenValidator(IOptions<AuthOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        var o = options.Value;
        _parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidAudience = o.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = o.ClockSkew,
            NameClaimType = "sub",
        };

        if (AuthOptions.HasDevKey(o))
        {
            _parameters.ValidIssuer = o.Issuer;
            _parameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(o.DevSigningKey!));
            _parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            var metadata = $"{o.Authority!.TrimEnd('/')}/.well-known/openid-configuration";
            // Caches the signing keys and refreshes them (key rotation) without a restart.
            _parameters.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                metadata, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = o.RequireHttpsMetadata });
            if (!string.IsNullOrWhiteSpace(o.Issuer))
            {
                _parameters.ValidIssuer = o.Issuer;
            }

            _parameters.ValidAlgorithms = AsymmetricAlgorithms;
        }
    }

    /// <returns>The token's claims, or null when the token is not acceptable for any reason.</returns>
    public async Task<ClaimsIdentity?> ValidateAsync(string token, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_validated.TryGetValue(token, out var known))
        {
            if (now < known.Until)
            {
                return known.Identity.Clone();
            }
            _validated.TryRemove(token, out _);
        }

        if (!_handler.CanReadToken(token))
        {
            return null;
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters).WaitAsync(ct);
        if (!result.IsValid)
        {
            return null;
        }

        if (result.SecurityToken is JsonWebToken { ValidTo: var expires } && expires > now.UtcDateTime)
        {
            if (_validated.Count >= MaxRemembered)
            {
                // bounded by a reset rather than bookkeeping: a miss only costs one validation
                _validated.Clear();
            }
            var until = new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc));
            _validated[token] = (result.ClaimsIdentity.Clone(), until < now + RememberFor ? until : now + RememberFor);
        }
        return result.ClaimsIdentity;
    }
}
