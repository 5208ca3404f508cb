using System.Diagnostics;
using System.Runtime.Versioning;
using BookingFunctions.StandaloneHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The standalone host with OpenTelemetry's in-memory exporters added to the app's own registration
/// (AddBookingTelemetry): what Azure Monitor or an OTLP collector would receive, readable by a test.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class TelemetryHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<MetricSnapshot> _metrics = [];
    private readonly List<Activity> _spans = [];

    private TelemetryHost(TestDatabase database)
    {
        _app = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:BookingDb"] = database.AppConnectionString,
                ["Booking:Auth:Issuer"] = TestTokens.Issuer,
                ["Booking:Auth:Audience"] = TestTokens.Audience,
                ["Booking:Auth:DevSigningKey"] = TestTokens.SigningKey,
                ["Booking:Auth:StaffRole"] = TestTokens.StaffRole,
                ["DoubleBookingMonitorSchedule"] = "0 0 0 1 1 *", // the test runs the audit itself
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(_metrics));
            builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans));
        });
    }

    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public static async Task<TelemetryHost> StartAsync(TestDatabase database, CancellationToken ct)
    {
        var host = new TelemetryHost(database);
        await host._app.StartAsync(ct);
        var address = host._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        host.Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        return host;
    }

    /// <summary>The latest cumulative value of every metric of the app's Meter, collected now.</summary>
    public IReadOnlyList<MetricSnapshot> CollectMetrics()
    {
        lock (_metrics)
        {
            _metrics.Clear();
        }

        Assert.True(_app.Services.GetRequiredService<MeterProvider>().ForceFlush(30_000), "the metrics were not collected");
        lock (_metrics)
        {
            return _metrics.Where(m => m.MeterName == Telemetry.BookingTelemetry.Name).ToList();
        }
    }

    /// <summary>Every span the app's ActivitySource ended so far.</summary>
    public IReadOnlyList<Activity> Spans()
    {
        _app.Services.GetRequiredService<TracerProvider>().ForceFlush(30_000);
        lock (_spans)
        {
            return _spans.ToList();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
