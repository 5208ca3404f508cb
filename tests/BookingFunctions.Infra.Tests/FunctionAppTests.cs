using System.Text.Json.Nodes;
using BookingFunctions.Database;
using BookingFunctions.Identity;
using BookingFunctions.Monitoring;
using BookingFunctions.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Infra.Tests;

/// <summary>
/// The Function App as infra/ deploys it with the default parameters: its settings satisfy exactly the validation
/// the app runs at start-up (AddBooking's options, run through the same IStartupValidator), and the site is locked down.
/// </summary>
public sealed class FunctionAppTests(CompiledTemplate compiled) : IClassFixture<CompiledTemplate>
{
    private static readonly string ConnectionStringKey = $"ConnectionStrings:{DatabaseOptions.ConnectionStringName}";

    [Fact]
    public void Every_setting_the_app_validates_at_start_up_is_set_on_the_function_app()
    {
        var configuration = AsConfiguration(compiled.AppSettings());

        // Act
        var withTemplateSettings = Record.Exception(() => ValidateAtStartUp(configuration));
        var withNoSettings = Record.Exception(() => ValidateAtStartUp(new ConfigurationBuilder().Build()));

        // Assert
        Assert.Null(withTemplateSettings);
        Assert.True(withNoSettings is OptionsValidationException or AggregateException,
            $"the same validation without settings must fail, or this check proves nothing (got {withNoSettings?.GetType().Name ?? "no error"})");
    }

    [Fact]
    public void The_settings_Azure_needs_beyond_validation_are_set_too()
    {
        var settings = AsConfiguration(compiled.AppSettings());
        var (site, scope) = compiled.Template.Single("Microsoft.Web/sites");
        var appName = scope.ResolveString(site["name"]);

        // Assert: the timer binding reads %DoubleBookingMonitorSchedule% from the app settings, and it must parse
        var schedule = settings[MonitorOptions.ScheduleSetting];
        Assert.False(string.IsNullOrWhiteSpace(schedule), $"{MonitorOptions.ScheduleSetting} is not set: the timer function would not start");
        new MonitorOptions { Schedule = schedule! }.ParsedSchedule();

        // Entra ID login as the app's own identity: no password, and the PostgreSQL role named after the app
        Assert.Equal("true", settings[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.UseEntraId)}"], ignoreCase: true);
        var connection = ConnectionStringParts(settings[ConnectionStringKey]!);
        Assert.DoesNotContain(connection.Keys, k => k.Contains("password", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(appName, connection["username"]);
        Assert.Equal("VerifyFull", connection["ssl mode"]);

        // a real authority, never the development signing key
        Assert.False(string.IsNullOrWhiteSpace(settings[$"{AuthOptions.Section}:{nameof(AuthOptions.Authority)}"]));
        Assert.Null(settings[$"{AuthOptions.Section}:{nameof(AuthOptions.DevSigningKey)}"]);

        // telemetry: Application Insights, with Entra ingestion (local auth is off on the resource)
        Assert.False(string.IsNullOrWhiteSpace(settings[TelemetryServiceCollectionExtensions.AzureMonitorConnectionStringSetting]));
        Assert.NotNull(AzureMonitorAuthentication.Parse(settings[TelemetryServiceCollectionExtensions.AzureMonitorAuthenticationSetting]));

        // storage through the identity: an account name, no connection string, no key anywhere
        Assert.False(string.IsNullOrWhiteSpace(settings["AzureWebJobsStorage:accountName"]));
        Assert.Null(settings["AzureWebJobsStorage"]);
        Assert.DoesNotContain(compiled.AppSettings().Values, v => v.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase)
            || v.Contains("SharedAccessSignature", StringComparison.OrdinalIgnoreCase) || v.Contains("listKeys(", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_function_app_runs_dotnet_10_isolated_on_flex_consumption_with_its_own_identity_https_only_tls_1_2_and_no_ftp()
    {
        var (siteNode, scope) = compiled.Template.Single("Microsoft.Web/sites");
        var site = (JsonObject)scope.Resolve(siteNode)!;
        var (planNode, planScope) = compiled.Template.Single("Microsoft.Web/serverfarms");
        var plan = (JsonObject)planScope.Resolve(planNode)!;

        // Assert
        Assert.Equal("FlexConsumption", (string?)plan["sku"]?["tier"]);
        Assert.Equal("FC1", (string?)plan["sku"]?["name"]);
        Assert.Equal("SystemAssigned", (string?)site["identity"]?["type"]);
        var properties = site["properties"]!;
        Assert.True((bool?)properties["httpsOnly"]);
        var config = properties["siteConfig"]!;
        Assert.True(Version.Parse((string)config["minTlsVersion"]!) >= new Version(1, 2), $"minTlsVersion {config["minTlsVersion"]}");
        Assert.Equal("Disabled", (string?)config["ftpsState"]);
        Assert.Equal("dotnet-isolated", (string?)properties["functionAppConfig"]?["runtime"]?["name"]);
        Assert.Equal("10.0", (string?)properties["functionAppConfig"]?["runtime"]?["version"]);
        Assert.Equal("SystemAssignedIdentity", (string?)properties["functionAppConfig"]?["deployment"]?["storage"]?["authentication"]?["type"]);
        var publishing = compiled.Template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies")
            .Select(p => p.Scope.Resolve(p.Resource)!).ToList();
        Assert.Equal(2, publishing.Count);
        Assert.All(publishing, p => Assert.False((bool?)p["properties"]?["allow"]));
        Assert.Contains(publishing, p => ((string?)p["name"])?.EndsWith("/ftp", StringComparison.Ordinal) == true);
    }

    private static IConfiguration AsConfiguration(IReadOnlyDictionary<string, string> appSettings) =>
        // App Service turns "__" into the ":" of .NET configuration
        new ConfigurationBuilder()
            .AddInMemoryCollection(appSettings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)))
            .Build();

    private static void ValidateAtStartUp(IConfiguration configuration)
    {
        using var services = new ServiceCollection().AddLogging().AddBooking(configuration).BuildServiceProvider();
        services.GetRequiredService<IStartupValidator>().Validate();
    }

    private static Dictionary<string, string> ConnectionStringParts(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p.Length > 1 ? p[1].Trim() : "", StringComparer.Ordinal);
}
