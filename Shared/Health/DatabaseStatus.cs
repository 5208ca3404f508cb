using System.Text.Json.Serialization;

namespace BookingFunctions.Health;

/// <summary>What the health probe learnt from the database.</summary>
public sealed record DatabaseStatus(
    bool Reachable,
    string? SchemaVersion,
    string ExpectedSchemaVersion,
    string Schema,
    double? LatencyMs,
    string? Error)
{
    /// <summary>The schema is the one this build expects.</summary>
    public const string Current = "current";

    /// <summary>Migrations this build needs are missing: calls may fail, so the instance is unhealthy.</summary>
    public const string Behind = "behind";

    /// <summary>A newer build migrated the database (a deployment in progress); migrations only add, so this one still serves.</summary>
    public const string Ahead = "ahead";

    public const string Unknown = "unknown";

    [JsonIgnore]
    public bool IsHealthy => Reachable && Schema is Current or Ahead;

    internal static DatabaseStatus Answered(string? version, string expected, TimeSpan latency)
    {
        var comparison = string.CompareOrdinal(version ?? "", expected);
        var schema = comparison == 0 ? Current : comparison < 0 ? Behind : Ahead;
        return new DatabaseStatus(true, version, expected, schema, Math.Round(latency.TotalMilliseconds, 1), null);
    }

    internal static DatabaseStatus Unreachable(string expected, string error) =>
        new(false, null, expected, Unknown, null, error);
}
