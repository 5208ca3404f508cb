namespace BookingFunctions.Http;

/// <summary>
/// Endpoint metadata naming a JSON request body for the OpenAPI document. The endpoints deliberately carry no
/// Accepts metadata (its matcher would answer 415 itself, outside our problem types); the handler reads the body
/// with <see cref="JsonBody"/>, and the standalone host documents it from this.
/// </summary>
public sealed class JsonRequestBody(Type type, string description, params string[] contentTypes)
{
    public Type Type { get; } = type;

    public string Description { get; } = description;

    public IReadOnlyList<string> ContentTypes { get; } = contentTypes.Length > 0 ? contentTypes : ["application/json"];
}
