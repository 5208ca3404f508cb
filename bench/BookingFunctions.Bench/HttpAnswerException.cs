namespace BookingFunctions.Bench;

/// <summary>
/// An HTTP call that did not succeed, by the kind the report counts it under: "HTTP 503 + Retry-After" (the
/// documented "come back later"), any other status, "no answer" (the client's own deadline), "connection failed".
/// </summary>
public sealed class HttpAnswerException(string kind) : Exception(kind)
{
    public string Kind { get; } = kind;

    public const string RetryLater = "HTTP 503 + Retry-After";

    /// <summary>The kind of a non-success response: a 503 counts as "come back later" only with Retry-After and a problem body.</summary>
    public static HttpAnswerException From(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return (int)response.StatusCode == 503 && response.Headers.RetryAfter is not null
                                               && response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            ? new HttpAnswerException(RetryLater)
            : new HttpAnswerException($"HTTP {(int)response.StatusCode}");
    }
}
