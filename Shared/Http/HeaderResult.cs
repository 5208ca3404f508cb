using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace BookingFunctions.Http;

/// <summary>
/// Adds response headers (Retry-After, Cache-Control, WWW-Authenticate) to any result. TypedResults have
/// no header hook, and both hosts execute plain <see cref="IResult"/>s, so this is the portable way.
/// </summary>
public sealed class HeaderResult(IResult inner, params (string Name, string Value)[] headers) : IResult, IStatusCodeHttpResult
{
    public IResult Inner => inner;

    public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        foreach (var (name, value) in headers)
        {
            httpContext.Response.Headers[name] = value;
        }

        return inner.ExecuteAsync(httpContext);
    }
}
