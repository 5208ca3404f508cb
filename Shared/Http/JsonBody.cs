using System.Buffers;
using System.Text.Json;
using BookingFunctions.Errors;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Http;

/// <summary>
/// Reads a JSON body strictly: size-limited (read no further than the limit, whatever Content-Length
/// claims), unknown members rejected, no comments or trailing commas, no numbers in strings. A failure is a
/// ready 400/415 problem naming the offending field.
/// </summary>
public static class JsonBody
{
    public static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
        MaxDepth = 8,
    };

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, int maxBytes, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsJson(request.ContentType))
        {
            return (null, Problems.UnsupportedMediaType());
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length, maxBytes + 1 - length), ct)) > 0)
            {
                length += read;
                if (length > maxBytes)
                {
                    return (null, TooLarge(maxBytes));
                }
            }

            if (length == 0)
            {
                return (null, Problems.Validation("body", "A JSON request body is required."));
            }

            var value = JsonSerializer.Deserialize<T>(buffer.AsSpan(0, length), Strict);
            return value is null
                ? (null, Problems.Validation("body", "The request body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problems.Validation(FieldOf(e.Path), Describe(e)));
        }
        catch (BadHttpRequestException e)
        {
            // The body ended before its Content-Length, or broke its framing: the client's fault (usually a client
            // that gave up mid-upload), not an unhandled server error with a logged stack trace.
            return (null, Problems.Validation("body", "The request body was incomplete.", e.StatusCode));
        }
        catch (IOException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // connection reset while reading: nobody is left to read the answer, but it must not be a 500
            return (null, Problems.Validation("body", "The request body was incomplete."));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// application/json or application/*+json, compared as parsed media types (not prefixes: "application/jsonp"
    /// or "application/json-seq" are other formats), with no charset or an UTF-8 one: the body is always
    /// decoded as UTF-8, so a client announcing UTF-16 or Latin-1 would otherwise be misread silently.
    /// </summary>
    internal static bool IsJson(string? contentType)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value is not { } type)
        {
            return false;
        }

        var isJson = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        var charset = media.Charset.Value;
        return isJson && (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
                                          || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }

    private static IResult TooLarge(int maxBytes) =>
        Problems.Validation("body", $"The request body is larger than {maxBytes} bytes.");

    /// <summary>"$.guests" → "guests"; the root or an unknown position → "body".</summary>
    private static string FieldOf(string? path) =>
        path is null || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    // JsonException messages name .NET types and parser internals; a client gets a plain sentence instead.
    private static string Describe(JsonException e) =>
        e.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? "This field is not part of the request."
            : e.Path is null || e.Path == "$"
                ? "The request body is not valid JSON."
                : "This field has the wrong type or format.";
}
