using System.Runtime.Versioning;
using BookingFunctions.Monitoring;
using BookingFunctions.StandaloneHost;
using BookingFunctions.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BookingFunctions.Api.Tests;

/// <summary>The standalone host runs the audit on the DoubleBookingMonitorSchedule CRON, on the injected clock.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class MonitorScheduleTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_audit_runs_at_each_scheduled_occurrence_and_not_before()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 30, TimeSpan.Zero));
        var options = Options.Create(new MonitorOptions { Schedule = MonitorOptions.DefaultSchedule });
        var auditLog = new FakeLogger<DoubleBookingMonitor>();
        var monitor = new DoubleBookingMonitor(fixture.Database.App, options, auditLog);
        using var service = new MonitorService(monitor, options, time, new FakeLogger<MonitorService>());
        await service.StartAsync(ct);

        // Act
        time.Advance(TimeSpan.FromMinutes(4));
        await Task.Delay(200, ct);

        // Assert
        Assert.Equal(0, auditLog.Collector.Count);

        // Act: 00:05:00, then 00:10:00
        time.Advance(TimeSpan.FromSeconds(30));
        await WaitForRunsAsync(auditLog, 1, ct);
        await Task.Delay(200, ct); // let the service schedule 00:10:00 before the clock jumps there
        time.Advance(TimeSpan.FromMinutes(5));
        await WaitForRunsAsync(auditLog, 2, ct);

        // Assert
        Assert.All(auditLog.Collector.GetSnapshot(), r => Assert.Equal(LogLevel.Information, r.Level));
        await service.StopAsync(ct);
    }

    private static async Task WaitForRunsAsync(FakeLogger<DoubleBookingMonitor> log, int runs, CancellationToken ct)
    {
        for (var waited = 0; log.Collector.Count < runs; waited++)
        {
            Assert.True(waited < 200, $"expected {runs} audit runs within 10 s, saw {log.Collector.Count}");
            await Task.Delay(50, ct);
        }
    }
}
