using System.Text.Json.Nodes;

namespace BookingFunctions.Infra.Tests;

/// <summary>Class fixture: infra/main.bicep compiled once, and the Function App's settings as deployed with the default parameters.</summary>
public sealed class CompiledTemplate : IAsyncLifetime
{
    private ArmTemplate? _template;

    internal ArmTemplate Template => _template ?? throw new InvalidOperationException("Fixture not initialised.");

    public async ValueTask InitializeAsync() => _template = await ArmTemplate.CompileAsync(TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The site's app settings, name → value, expressions evaluated (Azure-dependent parts as opaque tokens).</summary>
    internal IReadOnlyDictionary<string, string> AppSettings()
    {
        var (site, scope) = Template.Single("Microsoft.Web/sites");
        var settings = scope.Resolve(site["properties"]?["siteConfig"]?["appSettings"]) as JsonArray ?? [];
        return settings.OfType<JsonObject>().ToDictionary(s => (string)s["name"]!, s => scope.ResolveString(s["value"]) ?? "", StringComparer.Ordinal);
    }
}
