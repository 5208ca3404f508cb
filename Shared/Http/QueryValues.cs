using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace BookingFunctions.Http;

/// <summary>Query-string reading shared by the GET handlers, with the same field errors as the bodies.</summary>
public static class QueryValues
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    /// <summary>The one value of a parameter; a repeated parameter is ambiguous and treated as missing rather than picked from.</summary>
    public static string? One(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
    }

    /// <summary>An optional whole number in [min, max], <paramref name="fallback"/> when absent.</summary>
    public static int WholeNumber(HttpRequest request, string name, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        if (!request.Query.TryGetValue(name, out var values))
        {
            return fallback;
        }

        if (values.Count == 1 && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors[name] = [$"{name} must be one whole number from {min} to {max}."];
        return fallback;
    }

    /// <summary>limit: page size, 1 to <see cref="MaxPageSize"/>, default <see cref="DefaultPageSize"/>.</summary>
    public static int Limit(HttpRequest request, Dictionary<string, string[]> errors) =>
        WholeNumber(request, "limit", DefaultPageSize, 1, MaxPageSize, errors);
}
