using System.Runtime.Versioning;
using BookingFunctions.StandaloneHost;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace BookingFunctions.Web.Tests;

/// <summary>The pages' OpenID Connect sign-in (web/js/oidc.js) against a local authority, the way Entra ID is configured in Azure.</summary>
[UnsupportedOSPlatform("windows")]
[Collection(WebAppTests.Name)]
public sealed class OidcSignInTests(WebAppFixture app)
{
    [Fact]
    public async Task Signing_in_through_an_openid_connect_authority_redeems_the_code_with_pkce_and_its_token_reaches_the_api()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var authority = await FakeOidcAuthority.StartAsync(TestTokens.Audience);
        await using var host = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:BookingDb"] = app.Database.AppConnectionString,
                ["Booking:Auth:Authority"] = authority.Issuer,
                ["Booking:Auth:Audience"] = TestTokens.Audience,
                ["Booking:Auth:RequireHttpsMetadata"] = "false",
                ["Booking:Web:Oidc:Authority"] = authority.Issuer,
                ["Booking:Web:Oidc:ClientId"] = authority.ClientId,
                ["Booking:Web:Oidc:Scopes"] = "openid profile booking.access",
                ["DoubleBookingMonitorSchedule"] = "0 0 0 1 1 *",
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await host.StartAsync(ct);
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var accommodation = await app.CreateAccommodationAsync("Entra Suite", capacity: 2);
        await using var session = await app.NewSessionAsync();
        var page = session.Page;
        await page.GotoAsync(address + "/");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in as guest" })).ToHaveCountAsync(0); // no dev sign-in here

        // Act
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        // Assert: back on the page, signed in as the authority's subject, the code gone from the address, the API answering
        await Assertions.Expect(page.GetByTestId("subject")).ToHaveTextAsync(authority.Subject);
        Assert.DoesNotContain("code=", page.Url, StringComparison.Ordinal);
        Assert.Equal(1, authority.Redeemed);
        Assert.Equal(0, authority.Refused);
        await page.GetByLabel("Room type").SelectOptionAsync(accommodation.ToString());
        await Assertions.Expect(page.Locator("#calendar button.day").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#message.message-error")).ToHaveCountAsync(0);
        await host.StopAsync(ct);
    }
}
