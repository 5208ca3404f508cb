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
        var fake = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 30, TimeSpan.Zero));
        var time = new CountingTimeProvider(fake);
        var options = Options.Create(new MonitorOptions { Schedule = MonitorOptions.DefaultSchedule });
        var auditLog = new FakeLogger<DoubleBookingMonitor>();
        var monitor = new DoubleBookingMonitor(TestDatabaseCalls.For(fixture.Database.App, time: time), options, new AuditStatus(), time, auditLog);
        var serviceLog = new FakeLogger<MonitorService>();
        using var service = new MonitorService(monitor, options, time, serviceLog);
        await service.StartAsync(ct);

        // Act: the service waits for 00:05:00; one second before it, nothing has run
        await WaitAsync(() => time.Timers >= 1, "the service to schedule its first run", ct);
        fake.Advance(TimeSpan.FromSeconds(269));
        await Task.Delay(200, ct);

        // Assert
        Assert.Equal(0, auditLog.Collector.Count);

        // Act: 00:05:00, then 00:10:00
        fake.Advance(TimeSpan.FromSeconds(1));
        await WaitAsync(() => auditLog.Collector.Count >= 1, $"the 00:05:00 run ({time.Timers} timers; service said: {string.Join(" | ", serviceLog.Collector.GetSnapshot().Select(r => r.Message + r.Exception))})", ct);
        await WaitAsync(() => time.Timers >= 2, "the service to schedule 00:10:00", ct);
        fake.Advance(TimeSpan.FromMinutes(5));
        await WaitAsync(() => auditLog.Collector.Count >= 2, "the 00:10:00 run", ct);

        // Assert
        Assert.Equal(2, auditLog.Collector.Count);
        Assert.All(auditLog.Collector.GetSnapshot(), r => Assert.Equal(LogLevel.Information, r.Level));
        await service.StopAsync(ct);
    }

    private static async Task WaitAsync(Func<bool> condition, string what, CancellationToken ct)
    {
        for (var waited = 0; !condition(); waited++)
        {
            Assert.True(waited < 400, $"timed out waiting for {what}");
            await Task.Delay(25, ct);
        }
    }

    /// <summary>Counts timers, so the test advances the clock only once the service is waiting on it.</summary>
    private sealed class CountingTimeProvider(FakeTimeProvider inner) : TimeProvider
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            // count only once the timer exists: a clock advanced in between would push its due time out
            var timer = inner.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }
    }
}
