using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BookingFunctions.Http;

/// <summary>
/// Every GET route also answers HEAD, as the Functions app declares it ("get", "head"): the same handler, and the
/// server sends its status and headers without the body. HEAD is left out of the OpenAPI document, which describes
/// the GET.
/// </summary>
internal static class HeadRoutes
{
    /// <returns>The GET endpoint's builder (name, tags and responses describe it).</returns>
    public static RouteHandlerBuilder MapGetAndHead(this IEndpointRouteBuilder endpoints, string pattern, Delegate handler)
    {
        endpoints.MapMethods(pattern, [HttpMethods.Head], handler).ExcludeFromDescription();
        return endpoints.MapGet(pattern, handler);
    }
}
