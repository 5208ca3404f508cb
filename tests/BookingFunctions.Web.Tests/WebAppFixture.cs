using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using BookingFunctions.StandaloneHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace BookingFunctions.Web.Tests;

/// <summary>
/// One migrated database, the real standalone host on a free loopback port (serving web/ from its output folder, with
/// the development sign-in on, as ./run has it), one headless system Chromium, and a staff HTTP client to arrange data.
/// Shared by every browser test (one collection, run one after another: browsers are heavy on 2 busy cores).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class WebAppFixture : IAsyncLifetime
{
    public const string StaffSubject = "board-staff";

    private TestDatabase? _database;
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Fixture not initialised.");

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Staff token: arranges room types, bookings and closures over the API, as the board would.</summary>
    public HttpClient Staff { get; private set; } = null!;

    /// <summary>Where this run's screenshots go: the test output folder (test artifacts).</summary>
    public string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async ValueTask InitializeAsync()
    {
        var chromium = Chromium.Find();
        var ct = TestContext.Current.CancellationToken;
        var server = await TestDatabaseServer.GetAsync();
        _database = await server.CreateDatabaseAsync("WebApp", ct);

        _app = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:BookingDb"] = _database.AppConnectionString,
                ["Booking:Auth:Issuer"] = TestTokens.Issuer,
                ["Booking:Auth:Audience"] = TestTokens.Audience,
                ["Booking:Auth:DevSigningKey"] = TestTokens.SigningKey,
                ["Booking:Auth:StaffRole"] = TestTokens.StaffRole,
                ["Booking:Web:DevSignIn"] = "true",
                // the monitor must not expire holds behind a test's back
                ["DoubleBookingMonitorSchedule"] = "0 0 0 1 1 *",
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await _app.StartAsync(ct);
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        Staff = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Staff.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(StaffSubject, staff: true));

        // generous: the machine is slow and busy; every wait is for a condition, never for a fixed time
        Assertions.SetDefaultExpectTimeout(60_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(Chromium.LaunchOptions(chromium));
        Directory.CreateDirectory(ScreenshotFolder);
    }

    /// <summary>A fresh browser session (its own sessionStorage, so its own signed-in user) with one page.</summary>
    public async Task<BrowserSession> NewSessionAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(context, page);
    }

    /// <summary>A room type of its own for one test, so tests never share nights.</summary>
    public async Task<Guid> CreateAccommodationAsync(string name, int? capacity, int maxGuests = 2)
    {
        using var response = await Staff.PostAsJsonAsync("/api/accommodations",
            new { name, capacity, maxGuests, timeZone = "UTC" }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<IdOnly>(TestContext.Current.CancellationToken);
        return created!.Id;
    }

    /// <summary>A booking made over the API by <paramref name="guest"/> (as another app would), confirmed.</summary>
    public async Task BookAsync(Guid accommodationId, DateOnly checkIn, DateOnly checkOut, string guest)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/bookings")
        {
            Content = JsonContent.Create(new { accommodationId, checkIn, checkOut, guests = 1 }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(guest));
        using var response = await Staff.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        var booking = await response.Content.ReadFromJsonAsync<IdOnly>(ct);
        using var confirm = new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{booking!.Id}/confirm");
        confirm.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.For(guest));
        using var confirmed = await Staff.SendAsync(confirm, ct);
        confirmed.EnsureSuccessStatusCode();
    }

    /// <summary>Closes the nights [from, to) over the staff API.</summary>
    public async Task CloseAsync(Guid accommodationId, DateOnly from, DateOnly to, string reason)
    {
        using var response = await Staff.PostAsJsonAsync($"/api/accommodations/{accommodationId}/closures", new { from, to, reason },
            TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        Staff?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private sealed record IdOnly(Guid Id);
}

/// <summary>The browser tests share one host and one browser, and run one at a time (the collection "web app").</summary>
[CollectionDefinition(Name)]
public sealed class WebAppTests : ICollectionFixture<WebAppFixture>
{
    public const string Name = "web app";
}

/// <summary>One browser context and its page; records what the page logged as errors, which tests assert is nothing.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly List<string> _errors = [];

    internal BrowserSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.PageError += (_, error) => _errors.Add($"page error: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Add($"console: {message.Text}");
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Errors the page logged; failed requests a test provoked on purpose are logged by Chromium too, so tests filter.</summary>
    public IReadOnlyList<string> Errors => _errors;

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
