using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace BookingFunctions.Functions.Tests.Host;

/// <summary>A request matched to an HTTP function, with the route values the host sends as trigger metadata.</summary>
internal sealed record RouteMatch(FunctionEntry Function, IReadOnlyDictionary<string, string> Values);

/// <summary>
/// The host's HTTP routing, built from functions.metadata and host.json alone: routePrefix + each HTTP
/// trigger's route template, and its methods.
/// </summary>
internal sealed class HttpRoutes
{
    private readonly List<(FunctionEntry Function, TemplateMatcher Matcher)> _routes;

    public HttpRoutes(IEnumerable<FunctionEntry> functions, string routePrefix)
    {
        _routes = functions.Where(f => f.IsHttp)
            .Select(f => (f, new TemplateMatcher(TemplateParser.Parse(Join(routePrefix, f.Route ?? f.Name)), new RouteValueDictionary())))
            .ToList();
    }

    public RouteMatch? Match(string method, string path)
    {
        foreach (var (function, matcher) in _routes)
        {
            var values = new RouteValueDictionary();
            if (function.Methods.Contains(method, StringComparer.OrdinalIgnoreCase) && matcher.TryMatch(new PathString(path), values))
            {
                return new RouteMatch(function, values.ToDictionary(v => v.Key, v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "", StringComparer.Ordinal));
            }
        }

        return null;
    }

    private static string Join(string prefix, string route) => string.IsNullOrEmpty(prefix) ? route : $"{prefix}/{route}";
}
