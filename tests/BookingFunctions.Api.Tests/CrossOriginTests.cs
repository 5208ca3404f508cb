using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.StandaloneHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// Browsers on another origin: the standalone host answers CORS from Booking:Cors (one allowed origin in the
/// fixture), for the headers the API uses, and exposes the response headers a client must read.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class CrossOriginTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    private static HttpRequestMessage Preflight(string origin, string path, string method) => new(HttpMethod.Options, path)
    {
        Headers =
        {
            { "Origin", origin },
            { "Access-Control-Request-Method", method },
            { "Access-Control-Request-Headers", "authorization, content-type, idempotency-key" },
        },
    };

    [Fact]
    public async Task A_preflight_from_the_allowed_origin_is_answered_for_Authorization_Content_Type_and_Idempotency_Key()
    {
        using var request = Preflight(ApiHostFixture.AllowedOrigin, "/api/bookings", "POST");

        // Act
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        // Assert
        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal(ApiHostFixture.AllowedOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        var allowed = string.Join(',', response.Headers.GetValues("Access-Control-Allow-Headers")).ToUpperInvariant();
        Assert.All(["AUTHORIZATION", "CONTENT-TYPE", "IDEMPOTENCY-KEY"], h => Assert.Contains(h, allowed, StringComparison.Ordinal));
        Assert.Contains("POST", string.Join(',', response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task A_preflight_from_another_origin_gets_no_Access_Control_Allow_Origin()
    {
        using var request = Preflight("https://elsewhere.example", "/api/bookings", "POST");

        // Act
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        // Assert
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Headers"));
    }

    [Fact]
    public async Task A_cross_origin_booking_and_its_replay_expose_Location_and_Idempotent_Replayed_to_the_browser()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 2, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var token = TestTokens.For(TestTokens.NewGuest());
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Booking()
        {
            var request = Api.Request(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut), key);
            request.Headers.Add("Origin", ApiHostFixture.AllowedOrigin);
            return request;
        }

        // Act
        using var first = Booking();
        using var response = await host.Client.SendAsync(first, ct);
        using var second = Booking();
        using var replay = await host.Client.SendAsync(second, ct);

        // Assert
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (response.StatusCode, replay.StatusCode));
        Assert.Equal(ApiHostFixture.AllowedOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        foreach (var answer in new[] { response, replay })
        {
            var exposed = string.Join(',', answer.Headers.GetValues("Access-Control-Expose-Headers")).ToUpperInvariant();
            Assert.Contains("LOCATION", exposed, StringComparison.Ordinal);
            Assert.Contains("RETRY-AFTER", exposed, StringComparison.Ordinal);
            Assert.Contains("IDEMPOTENT-REPLAYED", exposed, StringComparison.Ordinal);
        }

        Assert.Equal(["true"], replay.Headers.GetValues("Idempotent-Replayed"));
    }

    public static TheoryData<string[], bool> BadPolicies() => new()
    {
        { ["*"], true },
        { ["https://app.example/"], false },
        { ["https://app.example/path"], false },
        { ["app.example"], false },
        { ["ftp://app.example"], false },
        { ["https://a.example", "*"], false },
    };

    [Theory]
    [MemberData(nameof(BadPolicies))]
    public async Task The_host_refuses_to_start_with_a_wildcard_and_credentials_or_an_origin_browsers_never_send(string[] origins, bool credentials)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:BookingDb"] = "Host=127.0.0.1;Database=x;Username=y",
            ["Booking:Auth:Issuer"] = TestTokens.Issuer,
            ["Booking:Auth:Audience"] = TestTokens.Audience,
            ["Booking:Auth:DevSigningKey"] = TestTokens.SigningKey,
            [$"{CrossOriginOptions.Section}:AllowCredentials"] = credentials ? "true" : "false",
        };
        for (var i = 0; i < origins.Length; i++)
        {
            settings[$"{CrossOriginOptions.Section}:AllowedOrigins:{i}"] = origins[i];
        }

        await using var app = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));

        // Act
        var error = await Record.ExceptionAsync(() => app.StartAsync(TestContext.Current.CancellationToken));

        // Assert
        Assert.IsType<OptionsValidationException>(error);
    }
}
