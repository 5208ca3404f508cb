using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BookingFunctions.Errors;
using BookingFunctions.Testing;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BookingFunctions.Reliability.Tests;

/// <summary>
/// Who may do what: every broken token × every authenticated endpoint is a 401 that writes nothing; a guest
/// cannot see or touch another guest's booking and cannot even learn that it exists; the OIDC path refuses
/// algorithm confusion and header-supplied keys.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class IdentityMatrixTests(HostFixture host) : IClassFixture<HostFixture>
{
    private static readonly Dictionary<string, Func<string>> BrokenTokens = new(StringComparer.Ordinal)
    {
        ["wrong issuer"] = () => TestTokens.For("guest-x", issuer: "https://evil.example"),
        ["issuer differing in case"] = () => TestTokens.For("guest-x", issuer: TestTokens.Issuer.ToUpperInvariant()),
        ["wrong audience"] = () => TestTokens.For("guest-x", audience: "another-api"),
        ["expired"] = () => TestTokens.For("guest-x", expires: DateTime.UtcNow.AddMinutes(-10), notBefore: DateTime.UtcNow.AddMinutes(-20)),
        ["not yet valid"] = () => TestTokens.For("guest-x", notBefore: DateTime.UtcNow.AddMinutes(10), expires: DateTime.UtcNow.AddMinutes(20)),
        ["alg none"] = () => TestTokens.WithAlgNone("guest-x"),
        ["alg None"] = () => TestTokens.WithAlgNone("guest-x", "None"),
        ["alg NONE"] = () => TestTokens.WithAlgNone("guest-x", "NONE"),
        ["alg none with the original signature kept"] = () => TestTokens.WithAlgNone("guest-x") + TestTokens.For("guest-x").Split('.')[2],
        ["signed with another key"] = () => TestTokens.For("guest-x", key: new string('k', 64)),
        ["tampered payload"] = () => TestTokens.Tampered("guest-x", "guest-y"),
        ["missing subject"] = () => TestTokens.WithoutSubject(),
        ["empty subject"] = () => TestTokens.WithoutSubject(""),
        ["whitespace subject"] = () => TestTokens.WithoutSubject("   "),
        ["201-character subject"] = () => TestTokens.For(new string('s', 201)),
        ["not a JWT"] = () => "definitely-not-a-token",
        ["JWE-shaped garbage"] = () => "a.b.c.d.e",
        ["no token"] = () => "",
    };

    [Fact]
    public async Task Every_broken_token_on_every_authenticated_endpoint_is_401_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, items: 2, ct);
        var booking = await BookAsync(accommodation, "guest-x", ct);
        var failures = new List<string>();
        var before = await Invariants.RowCountsAsync(host.Database, ct);
        foreach (var (kind, mint) in BrokenTokens)
        {
            foreach (var (method, path, json) in Endpoints(accommodation, booking))
            {
                // Act
                var token = mint();
                using var response = await Http.SendAsync(host.Client, method, path, token.Length == 0 ? null : token, json, ct: ct);

                // Assert
                Tally.AddIdentityCases();
                var body = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode != HttpStatusCode.Unauthorized || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                    || !body.Contains(ProblemTypes.Unauthenticated, StringComparison.Ordinal)
                    || !response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"))
                {
                    failures.Add($"{kind} {method} {path}: {(int)response.StatusCode} {body}");
                }
            }
        }

        var after = await Invariants.RowCountsAsync(host.Database, ct);
        Tally.AddRejectedRowsWritten(after.Zip(before, (a, b) => a - b).Sum());
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Another_guests_booking_answers_exactly_like_a_missing_one_and_stays_untouched()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, items: 2, ct);
        var victim = TestTokens.NewGuest();
        var booking = await BookAsync(accommodation, victim, ct);
        var intruder = TestTokens.For(TestTokens.NewGuest());
        var before = await Invariants.RowCountsAsync(host.Database, ct);
        var missing = Guid.NewGuid();

        foreach (var (method, suffix) in new[] { (HttpMethod.Get, ""), (HttpMethod.Post, "/confirm"), (HttpMethod.Post, "/cancel"), (HttpMethod.Post, "/item") })
        {
            // Act
            using var theirs = await Http.SendAsync(host.Client, method, $"/api/bookings/{booking}{suffix}", intruder, ct: ct);
            using var nobodys = await Http.SendAsync(host.Client, method, $"/api/bookings/{missing}{suffix}", intruder, ct: ct);
            Tally.AddIdentityCases(2);

            // Assert: same status, type, title and detail, so an id cannot be probed
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
            Assert.Equal(Comparable(await nobodys.Content.ReadAsStringAsync(ct)), Comparable(await theirs.Content.ReadAsStringAsync(ct)));
            Assert.Equal(nobodys.Content.Headers.ContentType?.MediaType, theirs.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(before, await Invariants.RowCountsAsync(host.Database, ct));
        await using var connection = await host.Database.Admin.OpenConnectionAsync(ct);
        Assert.Equal(("pending", (Guid?)null), await connection.QuerySingleAsync<(string, Guid?)>(new CommandDefinition(
            "select status::text, item_id from booking.bookings where id = @booking", new { booking }, cancellationToken: ct)));
    }

    [Fact]
    public async Task Creating_is_scoped_to_the_token_subject_whatever_the_body_or_idempotency_key_says()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, items: 0, ct);
        var victim = TestTokens.NewGuest();
        var attacker = TestTokens.NewGuest();
        var (checkIn, checkOut) = (Arrange.Today.AddDays(40), Arrange.Today.AddDays(42));
        var json = Http.BookingJson(accommodation, checkIn, checkOut);
        using var victims = await Http.SendAsync(host.Client, HttpMethod.Post, "/api/bookings", TestTokens.For(victim), json, "shared-key", ct);
        var victimsId = await Http.IdAsync(victims, ct);

        // Act
        using var withGuestField = await Http.SendAsync(host.Client, HttpMethod.Post, "/api/bookings", TestTokens.For(attacker),
            json[..^1] + $",\"guestId\":\"{victim}\"}}", ct: ct);
        using var sameKey = await Http.SendAsync(host.Client, HttpMethod.Post, "/api/bookings", TestTokens.For(attacker), json, "shared-key", ct);
        Tally.AddIdentityCases(2);

        // Assert: a guest field is refused; the victim's key gives the attacker a booking of their own, never the victim's
        Assert.Equal(HttpStatusCode.BadRequest, withGuestField.StatusCode);
        Assert.Equal(HttpStatusCode.Created, sameKey.StatusCode);
        using var document = JsonDocument.Parse(await sameKey.Content.ReadAsStringAsync(ct));
        Assert.NotEqual(victimsId, document.RootElement.GetProperty("id").GetGuid());
        Assert.Equal(attacker, document.RootElement.GetProperty("guestId").GetString());
    }

    [Fact]
    public async Task An_OIDC_configured_host_refuses_algorithm_confusion_and_keys_supplied_by_the_token()
    {
        var ct = TestContext.Current.CancellationToken;
        using var rsa = RSA.Create(2048);
        using var attackerRsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(false);
        var authority = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        authority.Logging.SetMinimumLevel(LogLevel.Critical);
        await using var authorityApp = authority.Build();
        var issuer = "";
        authorityApp.MapGet("/.well-known/openid-configuration", () => Results.Json(new { issuer, jwks_uri = issuer + "/keys" }));
        authorityApp.MapGet("/keys", () => Results.Json(new
        {
            keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = "key-1", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } },
        }));
        await authorityApp.StartAsync(ct);
        issuer = Address(authorityApp.Services);
        await using var api = HostFixture.Start(host.Database.AppConnectionString, c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Booking:Auth:DevSigningKey"] = null,
            ["Booking:Auth:Issuer"] = null,
            ["Booking:Auth:Authority"] = issuer,
            ["Booking:Auth:RequireHttpsMetadata"] = "false",
        }));
        await api.StartAsync(ct);
        using var client = new HttpClient { BaseAddress = new Uri(Address(api.Services)), Timeout = TimeSpan.FromSeconds(30) };
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 50, items: 0, ct);
        var json = Http.BookingJson(accommodation, Arrange.Today.AddDays(40), Arrange.Today.AddDays(42));

        string Token(SecurityKey key, string algorithm, IDictionary<string, object>? header = null, string? tokenIssuer = null) =>
            new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = tokenIssuer ?? issuer,
                Audience = TestTokens.Audience,
                Claims = new Dictionary<string, object> { ["sub"] = TestTokens.NewGuest() },
                Expires = DateTime.UtcNow.AddMinutes(5),
                SigningCredentials = new SigningCredentials(key, algorithm),
                AdditionalHeaderClaims = header,
            });

        var attackerJwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(attackerRsa.ExportParameters(false)));
        var publicPem = Encoding.UTF8.GetBytes(rsa.ExportSubjectPublicKeyInfoPem());
        var refused = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HS256 keyed with the public modulus"] = Token(new SymmetricSecurityKey(parameters.Modulus) { KeyId = "key-1" }, SecurityAlgorithms.HmacSha256),
            ["HS256 keyed with the public key PEM"] = Token(new SymmetricSecurityKey(publicPem) { KeyId = "key-1" }, SecurityAlgorithms.HmacSha256),
            ["HS256 keyed with the public key DER"] = Token(new SymmetricSecurityKey(rsa.ExportSubjectPublicKeyInfo()) { KeyId = "key-1" }, SecurityAlgorithms.HmacSha256),
            ["RS256 from another key under the right kid"] = Token(new RsaSecurityKey(attackerRsa) { KeyId = "key-1" }, SecurityAlgorithms.RsaSha256),
            ["RS256 with the attacker's key embedded as jwk"] = Token(new RsaSecurityKey(attackerRsa) { KeyId = "key-1" }, SecurityAlgorithms.RsaSha256,
                new Dictionary<string, object> { ["jwk"] = JsonSerializer.Deserialize<JsonElement>(JsonSerializer.Serialize(new { kty = "RSA", n = attackerJwk.N, e = attackerJwk.E })) }),
            ["RS256 with a jku pointing at the attacker"] = Token(new RsaSecurityKey(attackerRsa) { KeyId = "key-1" }, SecurityAlgorithms.RsaSha256,
                new Dictionary<string, object> { ["jku"] = "http://127.0.0.1:1/keys" }),
            ["right key, other issuer"] = Token(new RsaSecurityKey(rsa) { KeyId = "key-1" }, SecurityAlgorithms.RsaSha256, tokenIssuer: "https://someone-else.example"),
            ["alg none"] = TestTokens.WithAlgNone("guest-x"),
        };

        // Act
        using var accepted = await Http.SendAsync(client, HttpMethod.Post, "/api/bookings", Token(new RsaSecurityKey(rsa) { KeyId = "key-1" }, SecurityAlgorithms.RsaSha256), json, ct: ct);
        var before = await Invariants.RowCountsAsync(host.Database, ct);
        var failures = new List<string>();
        foreach (var (kind, token) in refused)
        {
            using var response = await Http.SendAsync(client, HttpMethod.Post, "/api/bookings", token, json, ct: ct);
            Tally.AddIdentityCases();
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{kind}: {(int)response.StatusCode}");
            }
        }

        // Assert
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(before, await Invariants.RowCountsAsync(host.Database, ct));
        await api.StopAsync(ct);
        await authorityApp.StopAsync(ct);
    }

    private static IEnumerable<(HttpMethod, string, string?)> Endpoints(Guid accommodation, Guid booking) =>
    [
        (HttpMethod.Post, "/api/bookings", Http.BookingJson(accommodation, Arrange.Today.AddDays(40), Arrange.Today.AddDays(42))),
        (HttpMethod.Get, $"/api/bookings/{booking}", null),
        (HttpMethod.Post, $"/api/bookings/{booking}/confirm", null),
        (HttpMethod.Post, $"/api/bookings/{booking}/cancel", null),
        (HttpMethod.Post, $"/api/bookings/{booking}/item", null),
    ];

    private async Task<Guid> BookAsync(Guid accommodation, string guest, CancellationToken ct)
    {
        await using var connection = await host.Database.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
            "select create_booking_with_atomic_lock(@accommodation, @guest, current_date + 40, current_date + 42, 1, interval '1 day')",
            new { accommodation, guest }, cancellationToken: ct));
    }

    /// <summary>A problem document without its per-request traceId.</summary>
    private static string Comparable(string body)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        node.Remove("traceId");
        return node.ToJsonString();
    }

    private static string Address(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}
