using System.Text.Json;

namespace BookingFunctions.Functions.Tests;

/// <summary>One function of the generated functions.metadata, as the host reads it.</summary>
internal sealed record FunctionEntry(string Name, string ScriptFile, string EntryPoint, IReadOnlyList<JsonElement> Bindings)
{
    /// <summary>The trigger binding: every function has exactly one.</summary>
    public JsonElement Trigger => Bindings.Single(b => String(b, "type")?.EndsWith("Trigger", StringComparison.Ordinal) == true);

    public string TriggerType => String(Trigger, "type")!;

    public bool IsHttp => TriggerType == "httpTrigger";

    public IReadOnlyList<string> Methods => Trigger.TryGetProperty("methods", out var methods)
        ? methods.EnumerateArray().Select(m => m.GetString()!).ToList()
        : [];

    public string? Route => String(Trigger, "route");

    public static string? String(JsonElement binding, string property) =>
        binding.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>Reads the app's build output as the Functions host does: functions.metadata and host.json.</summary>
internal static class FunctionsMetadata
{
    public static IReadOnlyList<FunctionEntry> Read(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        return document.RootElement.EnumerateArray().Select(f => new FunctionEntry(
                f.GetProperty("name").GetString()!,
                f.GetProperty("scriptFile").GetString()!,
                f.GetProperty("entryPoint").GetString()!,
                f.GetProperty("bindings").EnumerateArray().Select(b => b.Clone()).ToList()))
            .ToList();
    }

    /// <summary>extensions.http.routePrefix of host.json; "api" when absent, as in the host.</summary>
    public static string RoutePrefix(string hostJsonFile)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(hostJsonFile));
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
                ? prefix.GetString() ?? string.Empty
                : "api";
    }
}
