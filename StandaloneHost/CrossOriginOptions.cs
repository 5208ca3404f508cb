namespace BookingFunctions.StandaloneHost;

/// <summary>
/// Which web apps on other origins may call the API from a browser (section "Booking:Cors"). Empty by default:
/// no origin is allowed until one is configured. The Functions app leaves CORS to the platform instead
/// (Host.CORS in local.settings.json, the Function App's CORS setting in Azure).
/// </summary>
public sealed class CrossOriginOptions
{
    public const string Section = "Booking:Cors";

    /// <summary>Origins as browsers send them: scheme://host[:port], no path. "*" alone allows any origin.</summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// Let browsers send cookies or client certificates. The API authenticates with bearer tokens, so it is off;
    /// it can never be combined with "*" (any site could then act as a signed-in user).
    /// </summary>
    public bool AllowCredentials { get; set; }

    /// <summary>How long a browser may reuse a preflight answer.</summary>
    public TimeSpan PreflightMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    internal bool AllowsAnyOrigin => AllowedOrigins is ["*"];

    internal static bool IsValid(CrossOriginOptions o) =>
        o.PreflightMaxAge >= TimeSpan.Zero && o.PreflightMaxAge <= TimeSpan.FromDays(1)
        && (o.AllowsAnyOrigin ? !o.AllowCredentials : o.AllowedOrigins.All(IsOrigin));

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme is "https" or "http"
        && string.IsNullOrEmpty(uri.UserInfo)
        // exactly scheme://host[:port]: a path, query or trailing slash would never equal a browser's Origin header
        && string.Equals(origin, uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);
}
