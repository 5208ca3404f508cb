using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BookingFunctions.Web.Tests;

/// <summary>
/// A local OpenID Connect authority with the parts a browser app's sign-in uses: discovery, an authorize endpoint that
/// signs the user in at once and redirects back with a code, and a token endpoint that redeems the code only with the
/// PKCE verifier whose S256 challenge came with it (RFC 7636), answering an RS256 access token its JWKS can check.
/// </summary>
internal sealed class FakeOidcAuthority : IAsyncDisposable
{
    private static readonly string[] ChallengeMethods = ["S256"];
    private readonly RSA _key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, (string Challenge, string RedirectUri)> _codes = new(StringComparer.Ordinal);
    private WebApplication _app = null!;

    public string Issuer { get; private set; } = "";

    public string ClientId { get; } = "booking-web-spa";

    public string Subject { get; } = $"oidc-user-{Guid.NewGuid():N}"[..18];

    /// <summary>Codes redeemed with the right verifier, and refusals (wrong verifier, unknown code, other client).</summary>
    public int Redeemed;

    public int Refused;

    public static async Task<FakeOidcAuthority> StartAsync(string audience)
    {
        var authority = new FakeOidcAuthority();
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        authority._app = builder.Build();
        authority.Map(audience);
        await authority._app.StartAsync(TestContext.Current.CancellationToken);
        authority.Issuer = authority._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return authority;
    }

    private void Map(string audience)
    {
        var parameters = _key.ExportParameters(false);
        // the page calls discovery and the token endpoint from its own origin
        _app.Use(async (context, next) =>
        {
            context.Response.Headers.AccessControlAllowOrigin = "*";
            await next(context);
        });
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new
        {
            issuer = Issuer,
            jwks_uri = Issuer + "/keys",
            authorization_endpoint = Issuer + "/authorize",
            token_endpoint = Issuer + "/token",
            code_challenge_methods_supported = ChallengeMethods,
        }));
        _app.MapGet("/keys", () => Results.Json(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = "k1", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        }));
        _app.MapGet("/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256"
                || string.IsNullOrEmpty(q["code_challenge"]) || string.IsNullOrEmpty(q["state"]))
            {
                Interlocked.Increment(ref Refused);
                return Results.BadRequest("invalid authorization request");
            }

            var code = Guid.NewGuid().ToString("N");
            _codes[code] = (q["code_challenge"]!, q["redirect_uri"]!);
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"]!)}");
        });
        _app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var verifier = form["code_verifier"].ToString();
            var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            if (form["grant_type"] != "authorization_code" || form["client_id"] != ClientId
                || !_codes.TryRemove(form["code"].ToString(), out var issued)
                || issued.Challenge != challenge || issued.RedirectUri != form["redirect_uri"])
            {
                Interlocked.Increment(ref Refused);
                return Results.Json(new { error = "invalid_grant", error_description = "The code or its verifier is wrong." }, statusCode: 400);
            }

            Interlocked.Increment(ref Redeemed);
            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = audience,
                Claims = new Dictionary<string, object> { ["sub"] = Subject, ["name"] = "Oidc User" },
                Expires = DateTime.UtcNow.AddMinutes(30),
                SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = 1800 });
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _key.Dispose();
    }
}
