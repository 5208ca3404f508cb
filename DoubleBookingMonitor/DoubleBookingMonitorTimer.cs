using BookingFunctions.Monitoring;
using Microsoft.Azure.Functions.Worker;

namespace BookingFunctions.Functions;

/// <summary>
/// The audit on a timer. The schedule comes from the DoubleBookingMonitorSchedule app setting (six-field
/// CRON, default every 5 minutes in local.settings.sample.json); the work and its logging live in Shared.
/// </summary>
public sealed class DoubleBookingMonitorTimer(DoubleBookingMonitor monitor)
{
    [Function("DoubleBookingMonitor")]
    public async Task Run(
        [TimerTrigger("%" + MonitorOptions.ScheduleSetting + "%")] TimerInfo timer,
        CancellationToken ct) => await monitor.RunAsync(ct);
}
