using BookingFunctions.Monitoring;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BookingFunctions.StandaloneHost;

/// <summary>
/// The standalone host's timer for <see cref="DoubleBookingMonitor"/>: the same six-field CRON setting the
/// Functions timer reads. A failed run is logged and the next occurrence still runs.
/// </summary>
internal sealed class MonitorService(
    DoubleBookingMonitor monitor, IOptions<MonitorOptions> options, TimeProvider time, ILogger<MonitorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = options.Value.ParsedSchedule();
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            if (schedule.GetNextOccurrence(now, TimeZoneInfo.Utc) is not { } next)
            {
                logger.LogWarning("Schedule {Schedule} has no next occurrence; the booking audit stops", options.Value.Schedule);
                return;
            }

            await Task.Delay(next - now, time, stoppingToken);
            try
            {
                await monitor.RunAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Booking audit run failed; next run at the next scheduled time");
            }
        }
    }
}
