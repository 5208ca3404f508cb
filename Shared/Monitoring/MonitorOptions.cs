using Cronos;

namespace BookingFunctions.Monitoring;

/// <summary>
/// The audit's settings. The schedule is the top-level <c>DoubleBookingMonitorSchedule</c> setting because
/// the Functions timer reads it as <c>%DoubleBookingMonitorSchedule%</c>; six fields, seconds first.
/// </summary>
public sealed class MonitorOptions
{
    public const string ScheduleSetting = "DoubleBookingMonitorSchedule";
    public const string DefaultSchedule = "0 */5 * * * *";
    public const string Section = "Booking:Monitor";

    public string Schedule { get; set; } = DefaultSchedule;

    /// <summary>Holds expired per database call; the monitor calls again until a call expires fewer.</summary>
    public int ExpireBatchSize { get; set; } = 500;

    /// <summary>Upper bound on expire calls per run, so a flood of holds cannot keep one run going forever.</summary>
    public int MaxExpireBatches { get; set; } = 100;

    /// <summary>
    /// The audit checks nights from this many days before today (UTC) on: 1 = from yesterday, the earliest night a
    /// booking can still start on, so the audit's cost follows the current bookings, not the years of history.
    /// Empty (null) audits the whole history on every run.
    /// </summary>
    public int? AuditDaysBack { get; set; } = 1;

    public CronExpression ParsedSchedule() => CronExpression.Parse(Schedule, CronFormat.IncludeSeconds);

    internal static bool IsValid(MonitorOptions o)
    {
        if (o.ExpireBatchSize is < 1 or > 10_000 || o.MaxExpireBatches is < 1 or > 10_000 || o.AuditDaysBack is < 0 or > 36_500)
        {
            return false;
        }

        try
        {
            o.ParsedSchedule();
            return true;
        }
        catch (CronFormatException)
        {
            return false;
        }
    }
}
