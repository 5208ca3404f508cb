using System.Text.Json.Nodes;

namespace BookingFunctions.Infra.Tests;

/// <summary>
/// One template of the compiled deployment (main.json, or a module inlined as a nested deployment) with the parameter
/// values its parent passes: parameters resolve to those values (evaluated in the parent) or to their defaults.
/// </summary>
internal sealed class ArmScope(JsonObject template, JsonObject? passedParameters, ArmScope? parent, string name, int? copyIndex = null)
{
    public JsonObject Template => template;

    /// <summary>The element of a copy loop being evaluated (copyIndex()), if any.</summary>
    public int? CopyIndex => copyIndex;

    public ArmScope AtCopyIndex(int index) => new(template, passedParameters, parent, name, index);

    public string Name => name;

    public JsonNode? Parameter(string parameter)
    {
        switch (passedParameters?[parameter])
        {
            case JsonObject { } passed when passed["value"] is { } value && parent is not null:
                return parent.Resolve(value);
            // Bicep passes a conditional value as one expression that yields the whole { "value": … } object
            case JsonValue passed when parent is not null:
                return parent.Resolve(passed) is JsonObject { } wrapped && wrapped.ContainsKey("value")
                    ? wrapped["value"]?.DeepClone()
                    : ArmExpression.Opaque($"parameters('{parameter}')");
        }

        return template["parameters"]?[parameter]?["defaultValue"] is { } fallback
            ? Resolve(fallback)
            : ArmExpression.Opaque($"parameters('{parameter}')");
    }

    public JsonNode? Variable(string variable) =>
        template["variables"]?[variable] is { } value ? Resolve(value) : ArmExpression.Opaque($"variables('{variable}')");

    /// <summary>A value as deployed with the default parameters: expressions evaluated, objects and arrays element by element.</summary>
    public JsonNode? Resolve(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue(out string? s) && ArmExpression.IsExpression(s) => ArmExpression.Evaluate(s, this),
        JsonValue v when v.TryGetValue(out string? s) && s.StartsWith("[[", StringComparison.Ordinal) => JsonValue.Create(s[1..]),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Resolve).ToArray()),
        _ => node?.DeepClone(),
    };

    public string? ResolveString(JsonNode? node) => Resolve(node) switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v => v.ToJsonString(),
        null => null,
        var other => other.ToJsonString(),
    };
}
