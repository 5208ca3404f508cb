using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace BookingFunctions.Telemetry;

/// <summary>
/// The one OpenTelemetry registration both hosts call: the app's Meter and ActivitySource (<see cref="BookingTelemetry"/>),
/// exported to Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set, to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is
/// set, both when both are, and nowhere otherwise (the instruments then cost nothing). The Functions app adds
/// UseFunctionsWorkerDefaults() to the returned builder; tests add an in-memory exporter.
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public const string AzureMonitorConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AzureMonitorAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ServiceNameSetting = "OTEL_SERVICE_NAME";

    public static IOpenTelemetryBuilder AddBookingTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME (or the Functions worker's own detector) wins over this default
                if (string.IsNullOrWhiteSpace(configuration[ServiceNameSetting]))
                {
                    resource.AddService(BookingTelemetry.Name);
                }
            })
            .WithMetrics(metrics => metrics.AddMeter(BookingTelemetry.Name))
            .WithTracing(tracing => tracing.AddSource(BookingTelemetry.Name));

        if (configuration[AzureMonitorConnectionStringSetting] is { Length: > 0 } connectionString)
        {
            telemetry.UseAzureMonitorExporter(o =>
            {
                o.ConnectionString = connectionString;
                // With local authentication off on the Application Insights resource (infra/ does that), ingestion
                // needs an Entra token: "Authorization=AAD" (optionally ";ClientId=<user-assigned identity>"), the
                // same setting the Functions host reads for its own telemetry.
                if (AzureMonitorAuthentication.Parse(configuration[AzureMonitorAuthenticationSetting]) is { } auth)
                {
                    o.Credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = auth.ClientId });
                }
            });
        }

        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
        {
            // reads OTEL_EXPORTER_OTLP_ENDPOINT / _HEADERS / _PROTOCOL from configuration itself
            telemetry.UseOtlpExporter();
        }

        return telemetry;
    }
}
