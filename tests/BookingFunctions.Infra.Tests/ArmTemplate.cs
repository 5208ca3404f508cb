using System.Text.Json.Nodes;

namespace BookingFunctions.Infra.Tests;

/// <summary>
/// infra/main.bicep compiled by the Bicep CLI (once per test run) and walked: every resource of every template,
/// modules included, with the scope its expressions are evaluated in.
/// </summary>
internal sealed class ArmTemplate
{
    private ArmTemplate(JsonObject root)
    {
        Root = new ArmScope(root, null, null, "main");
        Resources = Walk(Root).ToList();
    }

    public ArmScope Root { get; }

    public IReadOnlyList<(JsonObject Resource, ArmScope Scope)> Resources { get; }

    public static async Task<ArmTemplate> CompileAsync(CancellationToken ct)
    {
        var result = await BicepCli.RunAsync(ct, "build", "main.bicep", "--stdout");
        if (result.ExitCode != 0 || string.IsNullOrWhiteSpace(result.Output))
        {
            throw new InvalidOperationException($"bicep build main.bicep failed ({result.ExitCode}):\n{result.Diagnostics}");
        }

        return new ArmTemplate((JsonObject)JsonNode.Parse(result.Output)!);
    }

    /// <summary>Resources of one type (e.g. Microsoft.Web/sites), with their scopes.</summary>
    public IEnumerable<(JsonObject Resource, ArmScope Scope)> OfType(string type) =>
        Resources.Where(r => string.Equals((string?)r.Resource["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The single resource of a type, failing the test when there is none or several.</summary>
    public (JsonObject Resource, ArmScope Scope) Single(string type) => Assert.Single(OfType(type));

    /// <summary>Every output of every template (modules' outputs feed main's; main's reach azd and the hooks).</summary>
    public IEnumerable<(string Name, JsonObject Output, ArmScope Scope)> Outputs() =>
        Scopes(Root).SelectMany(s => (s.Template["outputs"] as JsonObject ?? [])
            .Select(o => (o.Key, (JsonObject)o.Value!, s)));

    private static IEnumerable<ArmScope> Scopes(ArmScope scope) =>
        new[] { scope }.Concat(Deployments(scope).SelectMany(Scopes));

    private static IEnumerable<ArmScope> Deployments(ArmScope scope) =>
        ResourcesOf(scope.Template)
            .Where(r => (string?)r["type"] == "Microsoft.Resources/deployments" && r["properties"]?["template"] is JsonObject)
            .Select(r => new ArmScope((JsonObject)r["properties"]!["template"]!, r["properties"]!["parameters"] as JsonObject, scope,
                (string?)r["name"] ?? "module"));

    private static IEnumerable<(JsonObject, ArmScope)> Walk(ArmScope scope) =>
        ResourcesOf(scope.Template).Select(r => (r, scope)).Concat(Deployments(scope).SelectMany(Walk));

    // Bicep writes resources as an array, or as an object keyed by symbolic name (language version 2.0).
    private static IEnumerable<JsonObject> ResourcesOf(JsonObject template) => template["resources"] switch
    {
        JsonArray a => a.OfType<JsonObject>(),
        JsonObject o => o.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };
}
