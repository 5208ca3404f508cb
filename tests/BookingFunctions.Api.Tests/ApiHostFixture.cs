using System.Runtime.Versioning;
using BookingFunctions.StandaloneHost;
using BookingFunctions.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// Class fixture: a migrated database of its own, and the real standalone host on a free loopback port,
/// logged in as the restricted app role (EXECUTE on the API functions only).
/// </summary>
[UnsupportedOSPlatform("windows")]
public class ApiHostFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    private WebApplication? _app;
    private HttpClient? _client;

    /// <summary>The one web origin this host lets browsers call it from.</summary>
    public const string AllowedOrigin = "https://app.bookingfunctions.test";

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Fixture not initialised.");

    public HttpClient Client => _client ?? throw new InvalidOperationException("Fixture not initialised.");

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Fixture not initialised.");

    /// <summary>How the host's connections reach the server.</summary>
    protected virtual DatabaseRoute Route => DatabaseRoute.Direct;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await TestDatabaseServer.GetAsync();
        _database = await server.CreateDatabaseAsync(GetType().Name, Route, ct);

        _app = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:BookingDb"] = _database.AppConnectionString,
                ["Booking:Auth:Issuer"] = TestTokens.Issuer,
                ["Booking:Auth:Audience"] = TestTokens.Audience,
                ["Booking:Auth:DevSigningKey"] = TestTokens.SigningKey,
                ["Booking:Auth:StaffRole"] = TestTokens.StaffRole,
                ["Booking:Auth:ClockSkew"] = "00:00:05",
                [$"{CrossOriginOptions.Section}:AllowedOrigins:0"] = AllowedOrigin,
                // the audit has its own tests; here it must not expire holds behind a test's back
                ["DoubleBookingMonitorSchedule"] = "0 0 0 1 1 *",
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await _app.StartAsync(ct);

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
        _client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
