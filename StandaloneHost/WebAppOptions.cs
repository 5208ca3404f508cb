namespace BookingFunctions.StandaloneHost;

/// <summary>
/// The web app the standalone host serves under "/" (guest page and staff board, from the repository's web/ folder),
/// bound from "Booking:Web" and validated on start.
/// </summary>
public sealed class WebAppOptions
{
    public const string Section = "Booking:Web";

    /// <summary>Serve the pages at all. On by default: they are the reference client of the API.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Folder with index.html; default: the web/ copy next to the host's binaries.</summary>
    public string? Root { get; set; }

    /// <summary>
    /// Where the pages send API calls, as /config.json tells them: empty = the same origin (this host). Set it when
    /// the pages are hosted elsewhere (Azure Static Web Apps) and the API is a Function App.
    /// </summary>
    public string ApiBaseUrl { get; set; } = "";

    /// <summary>
    /// Development sign-in: POST /dev/sign-in mints a bearer token for any name, guest or staff, with the development
    /// signing key. Off unless set; ./run turns it on. Refused at start without Booking:Auth:DevSigningKey, and it
    /// answers loopback callers only.
    /// </summary>
    public bool DevSignIn { get; set; }

    /// <summary>OpenID Connect sign-in for the pages (e.g. Entra ID): where the browser signs in and what it asks for.</summary>
    public WebOidcOptions Oidc { get; set; } = new();

    internal string ResolvedRoot() => Path.GetFullPath(string.IsNullOrWhiteSpace(Root) ? Path.Combine(AppContext.BaseDirectory, "web") : Root);

    internal static bool IsValid(WebAppOptions o) =>
        (o.ApiBaseUrl.Length == 0 || IsHttpUrl(o.ApiBaseUrl))
        && (string.IsNullOrWhiteSpace(o.Oidc.Authority) || (IsHttpUrl(o.Oidc.Authority) && !string.IsNullOrWhiteSpace(o.Oidc.ClientId)));

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}

/// <summary>The public client (SPA) registration the pages sign in with; no secret: the browser uses PKCE.</summary>
public sealed class WebOidcOptions
{
    /// <summary>The authority, e.g. https://login.microsoftonline.com/{tenant}/v2.0. Empty: no OIDC sign-in button.</summary>
    public string? Authority { get; set; }

    /// <summary>The SPA app registration's client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>Space-separated scopes; include the API's scope so the access token's audience is the API.</summary>
    public string Scopes { get; set; } = "openid profile";
}
