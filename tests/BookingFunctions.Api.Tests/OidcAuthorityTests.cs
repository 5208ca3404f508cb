using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using BookingFunctions.Errors;
using BookingFunctions.StandaloneHost;
using BookingFunctions.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The production identity path: keys and issuer from an OpenID Connect authority's metadata (a local fake
/// authority serving discovery + JWKS), asymmetric algorithms only.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class OidcAuthorityTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Tokens_signed_by_the_authoritys_key_are_accepted_and_forgeries_are_401()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rsa = RSA.Create(2048);
        using var otherRsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(false);

        var authority = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        authority.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var authorityApp = authority.Build();
        var issuer = "";
        authorityApp.MapGet("/.well-known/openid-configuration", () => Results.Json(new { issuer, jwks_uri = issuer + "/keys" }));
        authorityApp.MapGet("/keys", () => Results.Json(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = "key-1", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        }));
        await authorityApp.StartAsync(ct);
        issuer = Address(authorityApp.Services);

        await using var api = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:BookingDb"] = fixture.Database.AppConnectionString,
                ["Booking:Auth:Authority"] = issuer,
                ["Booking:Auth:Audience"] = TestTokens.Audience,
                ["Booking:Auth:RequireHttpsMetadata"] = "false",
            });
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await api.StartAsync(ct);
        using var client = new HttpClient { BaseAddress = new Uri(Address(api.Services)) };
        var accommodation = await Arrange.AccommodationAsync(fixture.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var body = Api.BookingBody(accommodation, checkIn, checkOut);

        string Token(SecurityKey key, string algorithm, string? tokenIssuer = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = tokenIssuer ?? issuer,
            Audience = TestTokens.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = TestTokens.NewGuest() },
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });

        // Act
        using var accepted = await client.SendAsync(HttpMethod.Post, "/api/bookings", Token(new RsaSecurityKey(rsa) { KeyId = "key-1" }, SecurityAlgorithms.RsaSha256), body);
        using var otherKey = await client.SendAsync(HttpMethod.Post, "/api/bookings", Token(new RsaSecurityKey(otherRsa) { KeyId = "key-1" }, SecurityAlgorithms.RsaSha256), body);
        using var otherIssuer = await client.SendAsync(HttpMethod.Post, "/api/bookings",
            Token(new RsaSecurityKey(rsa) { KeyId = "key-1" }, SecurityAlgorithms.RsaSha256, "https://someone-else.example"), body);
        // algorithm confusion: HMAC keyed with the public modulus, which anyone can read from the JWKS
        using var confused = await client.SendAsync(HttpMethod.Post, "/api/bookings",
            Token(new SymmetricSecurityKey(parameters.Modulus) { KeyId = "key-1" }, SecurityAlgorithms.HmacSha256), body);

        // Assert
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        await otherKey.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
        await otherIssuer.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
        await confused.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
        Assert.Equal(1, await Arrange.BookingCountAsync(fixture.Database, accommodation, ct));

        await api.StopAsync(ct);
        await authorityApp.StopAsync(ct);
    }

    private static string Address(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}
