using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BookingFunctions.Telemetry;

/// <summary>
/// The app's one ActivitySource and one Meter, both named <see cref="Name"/>. Static like Npgsql's and the runtime's
/// own: instruments are created once per process and cost nothing until an OpenTelemetry provider listens
/// (<see cref="TelemetryServiceCollectionExtensions.AddBookingTelemetry"/>).
/// </summary>
public static class BookingTelemetry
{
    public const string Name = "BookingFunctions";

    private static readonly string? Version = typeof(BookingTelemetry).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource ActivitySource = new(Name, Version);

    internal static readonly Meter Meter = new(Name, Version);
}
