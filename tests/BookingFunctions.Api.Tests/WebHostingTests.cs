using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using BookingFunctions.Errors;
using BookingFunctions.StandaloneHost;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Api.Tests;

/// <summary>The standalone host serves the web app (web/) under "/" without changing /api, and the development sign-in only when switched on.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class WebHostingTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Theory]
    [InlineData("/", "text/html", "Book a room")]
    [InlineData("/staff.html", "text/html", "Occupancy board")]
    [InlineData("/js/api.js", "text/javascript", "Idempotency-Key")]
    [InlineData("/app.css", "text/css", "--accent")]
    public async Task The_pages_are_served_under_the_root_with_a_content_security_policy(string path, string mediaType, string content)
    {
        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, path);

        // Assert
        await Staff.AssertStatusAsync(response, HttpStatusCode.OK);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(content, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.StartsWith("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_routes_answer_as_without_the_pages_and_a_missing_api_route_is_never_a_page()
    {
        // Act
        using var unauthenticated = await host.Client.SendAsync(HttpMethod.Get, "/api/bookings");
        using var missing = await host.Client.SendAsync(HttpMethod.Get, "/api/index.html");
        using var openApi = await host.Client.SendAsync(HttpMethod.Get, "/api/openapi.json");

        // Assert
        await unauthenticated.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.NotEqual("text/html", missing.Content.Headers.ContentType?.MediaType);
        var document = await openApi.ReadJsonAsync();
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.All(paths, p => Assert.StartsWith("/api/", p, StringComparison.Ordinal));
        var bookings = document.GetProperty("paths").GetProperty("/api/bookings").GetProperty("get");
        Assert.Equal("ListBookings", bookings.GetProperty("operationId").GetString());
        Assert.Equal(["limit", "cursor"], bookings.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var audit = document.GetProperty("paths").GetProperty("/api/audit").GetProperty("get");
        Assert.Equal("GetAudit", audit.GetProperty("operationId").GetString());
        Assert.True(audit.GetProperty("responses").TryGetProperty("403", out _));
        Assert.NotEqual(0, audit.GetProperty("security").GetArrayLength());
    }

    [Fact]
    public async Task Development_sign_in_is_off_by_default_and_config_json_says_so()
    {
        // Act
        using var signIn = await host.Client.SendAsync(HttpMethod.Post, "/dev/sign-in", body: new { name = "mallory", staff = true });
        using var config = await host.Client.SendAsync(HttpMethod.Get, "/config.json");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, signIn.StatusCode);
        Assert.DoesNotContain("eyJ", await signIn.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await Staff.AssertStatusAsync(config, HttpStatusCode.OK);
        var settings = await config.ReadJsonAsync();
        Assert.False(settings.GetProperty("devSignIn").GetBoolean());
        Assert.Equal("", settings.GetProperty("apiBaseUrl").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, settings.GetProperty("oidc").ValueKind);
        Assert.False(new WebAppOptions().DevSignIn);
    }

    [Fact]
    public async Task Development_sign_in_when_switched_on_gives_guest_and_staff_tokens_the_api_accepts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(Settings(devSignIn: true));
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync(ct);
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        // Act
        var staff = await SignInAsync(client, "front-desk", staff: true);
        var guest = await SignInAsync(client, "walk-in", staff: false);
        using var bad = await client.SendAsync(HttpMethod.Post, "/dev/sign-in", body: new { name = "no spaces allowed", staff = false });

        // Assert: the staff token is staff, the guest token is the guest it names
        using (var audit = await client.SendAsync(HttpMethod.Get, "/api/audit", staff))
        {
            await Staff.AssertStatusAsync(audit, HttpStatusCode.OK);
        }

        using (var audit = await client.SendAsync(HttpMethod.Get, "/api/audit", guest))
        {
            await audit.AssertProblemAsync(403, ProblemTypes.Forbidden);
        }

        using (var mine = await client.SendAsync(HttpMethod.Get, "/api/bookings", guest))
        {
            await Staff.AssertStatusAsync(mine, HttpStatusCode.OK);
        }

        await bad.AssertProblemAsync(400, ProblemTypes.Validation);
        using var config = await client.SendAsync(HttpMethod.Get, "/config.json");
        Assert.True((await config.ReadJsonAsync()).GetProperty("devSignIn").GetBoolean());
        await app.StopAsync(ct);
    }

    [Fact]
    public async Task Development_sign_in_cannot_be_switched_on_beside_an_openid_connect_authority()
    {
        var settings = Settings(devSignIn: true);
        settings["Booking:Auth:DevSigningKey"] = null;
        settings["Booking:Auth:Authority"] = "https://login.example/tenant/v2.0";
        await using var app = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));

        // Act
        var error = await Record.ExceptionAsync(() => app.StartAsync(TestContext.Current.CancellationToken));

        // Assert
        var validation = Assert.IsType<OptionsValidationException>(error);
        Assert.Contains("DevSignIn", validation.Message, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Settings(bool devSignIn) => new()
    {
        ["ConnectionStrings:BookingDb"] = host.Database.AppConnectionString,
        ["Booking:Auth:Issuer"] = TestTokens.Issuer,
        ["Booking:Auth:Audience"] = TestTokens.Audience,
        ["Booking:Auth:DevSigningKey"] = TestTokens.SigningKey,
        ["Booking:Auth:StaffRole"] = TestTokens.StaffRole,
        ["Booking:Web:DevSignIn"] = devSignIn ? "true" : "false",
        ["DoubleBookingMonitorSchedule"] = "0 0 0 1 1 *",
    };

    private static async Task<string> SignInAsync(HttpClient client, string name, bool staff)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/dev/sign-in", body: new { name, staff });
        await Staff.AssertStatusAsync(response, HttpStatusCode.OK);
        var answer = await response.ReadJsonAsync();
        Assert.Equal(name, answer.GetProperty("subject").GetString());
        Assert.Equal(staff, answer.GetProperty("staff").GetBoolean());
        return answer.GetProperty("token").GetString()!;
    }
}
