namespace BookingFunctions.Http;

/// <summary>
/// Endpoint metadata naming a query parameter for the OpenAPI document: the handlers read the query themselves
/// (<see cref="QueryValues"/>, with field errors), so the generator cannot see them.
/// </summary>
public sealed class QueryParameter(string name, string description, bool required = false, string type = "string", string? format = null)
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    public bool Required { get; } = required;

    /// <summary>JSON Schema type: string or integer.</summary>
    public string Type { get; } = type;

    /// <summary>date, uuid, int32 … or null.</summary>
    public string? Format { get; } = format;

    public static QueryParameter Date(string name, string description, bool required = true) => new(name, description, required, "string", "date");

    public static QueryParameter WholeNumber(string name, string description) => new(name, description, false, "integer", "int32");
}
