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
/// pinned so neither "none" nor an HMAC-with-the-public-key confusion can pass, and the JWS / JWT rules the library
/// leaves out (<see cref="CompactJwsRules"/>: no crit, NumericDates as numbers, no duplicate members). Done in the handlers'
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
    // expires, but at most 5 minutes, so a key rotation or a changed setting takes effect within that time, and
    // within a byte budget (ValidatedTokenCache).
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly TimeProvider _time;

    public BearerTokenValidator(IOptions<AuthOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        Remembered = new ValidatedTokenCache(time);
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

    /// <summary>Tokens that passed, remembered until they expire.</summary>
    internal ValidatedTokenCache Remembered { get; }

    /// <returns>The token's claims, or null when the token is not acceptable for any reason.</returns>
    public async Task<ClaimsIdentity?> ValidateAsync(string token, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (Remembered.TryGet(token, out var known))
        {
            return known;
        }

        if (!CompactJwsRules.AreMet(token) || !_handler.CanReadToken(token))
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
            Remembered.Remember(token, result.ClaimsIdentity, new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)));
        }
        return result.ClaimsIdentity;
    }
}
