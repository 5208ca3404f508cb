using System.Runtime.Versioning;
using BookingFunctions.StandaloneHost;
using BookingFunctions.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Reliability.Tests;

/// <summary>
/// A migrated database of its own and the real standalone host on a free loopback port, logged in as the
/// restricted app role. Holds last 2 seconds, so HTTP fuzz rounds see holds expire under their feet.
/// </summary>
[UnsupportedOSPlatform("windows")]
public class HostFixture : IAsyncLifetime
{
    public static readonly TimeSpan HoldTtl = TimeSpan.FromSeconds(2);

    private TestDatabase? _database;
    private WebApplication? _app;
    private HttpClient? _client;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Fixture not initialised.");

    public HttpClient Client => _client ?? throw new InvalidOperationException("Fixture not initialised.");

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Errors the host logged (unhandled exceptions become 500s there, even for clients that left).</summary>
    public ServerLog Log { get; } = new();

    /// <summary>How the host's connections reach the server.</summary>
    protected virtual DatabaseRoute Route => DatabaseRoute.Direct;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await TestDatabaseServer.GetAsync();
        _database = await server.CreateDatabaseAsync("reliability_host", Route, ct);
        _app = Start(_database.AppConnectionString, log: Log);
        await _app.StartAsync(ct);
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        // Bounded: no request in this suite may hang; a test that needs a shorter bound sets its own token.
        _client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static WebApplication Start(string connectionString, Action<IConfigurationBuilder>? more = null, ServerLog? log = null) =>
        BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:BookingDb"] = connectionString,
                ["Booking:Auth:Issuer"] = TestTokens.Issuer,
                ["Booking:Auth:Audience"] = TestTokens.Audience,
                ["Booking:Auth:DevSigningKey"] = TestTokens.SigningKey,
                ["Booking:Auth:StaffRole"] = TestTokens.StaffRole,
                ["Booking:Auth:ClockSkew"] = "00:00:05",
                ["Booking:HoldTtl"] = HoldTtl.ToString(),
                // the monitor would expire holds behind the tests' back; the fuzz rounds expire them themselves
                ["DoubleBookingMonitorSchedule"] = "0 0 0 1 1 *",
            });
            more?.Invoke(builder.Configuration);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Error);
            if (log is not null)
            {
                builder.Logging.AddProvider(log);
            }
        });

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
