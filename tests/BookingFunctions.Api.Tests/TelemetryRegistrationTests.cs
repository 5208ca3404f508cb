using BookingFunctions.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BookingFunctions.Api.Tests;

/// <summary>Telemetry leaves the process only where it was told to go: Azure Monitor, OTLP, both, or nowhere.</summary>
public sealed class TelemetryRegistrationTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Exporters_are_registered_only_for_the_destinations_configured(bool azureMonitor, bool otlp)
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (azureMonitor)
        {
            settings[TelemetryServiceCollectionExtensions.AzureMonitorConnectionStringSetting] =
                "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://ingest.example.invalid/";
        }

        if (otlp)
        {
            settings[TelemetryServiceCollectionExtensions.OtlpEndpointSetting] = "http://127.0.0.1:4317";
        }

        // Act
        var services = new ServiceCollection();
        services.AddBookingTelemetry(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        var registered = services.Select(d => $"{d.ServiceType.FullName} {d.ImplementationType?.FullName} {d.ImplementationInstance?.GetType().FullName} " +
                                              $"{d.ImplementationFactory?.Method.DeclaringType?.FullName}").ToList();

        // Assert
        Assert.Equal(azureMonitor, registered.Any(r => r.Contains("AzureMonitor", StringComparison.Ordinal)));
        Assert.Equal(otlp, registered.Any(r => r.Contains("Otlp", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("Authorization=AAD", true, null)]
    [InlineData("Authorization=AAD;ClientId=11111111-2222-3333-4444-555555555555", true, "11111111-2222-3333-4444-555555555555")]
    [InlineData("authorization = aad ; clientid = abc", true, "abc")]
    [InlineData("", false, null)]
    [InlineData("Authorization=Key", false, null)]
    public void The_Entra_ingestion_setting_is_read_as_the_Functions_host_reads_it(string setting, bool entra, string? clientId)
    {
        // Act
        var parsed = AzureMonitorAuthentication.Parse(setting);

        // Assert
        Assert.Equal(entra, parsed is not null);
        Assert.Equal(clientId, parsed?.ClientId);
    }
}
