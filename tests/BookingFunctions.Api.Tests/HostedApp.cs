using System.Runtime.Versioning;
using BookingFunctions.StandaloneHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// A standalone host of a test's own, on a free loopback port, with the test token settings plus the test's own
/// (connection strings, pool sizes): for tests whose database setup the shared fixtures cannot express.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class HostedApp : IAsyncDisposable
{
    private HostedApp(WebApplication app, HttpClient client)
    {
        App = app;
        Client = client;
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<HostedApp> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken ct)
    {
        var app = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Booking:Auth:Issuer"] = TestTokens.Issuer,
                ["Booking:Auth:Audience"] = TestTokens.Audience,
                ["Booking:Auth:DevSigningKey"] = TestTokens.SigningKey,
                ["Booking:Auth:StaffRole"] = TestTokens.StaffRole,
                ["DoubleBookingMonitorSchedule"] = "0 0 0 1 1 *",
            });
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.SetMinimumLevel(LogLevel.Critical);
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // generous: "never a hang" is judged by this bound, not by how fast this machine is
        return new HostedApp(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) });
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
