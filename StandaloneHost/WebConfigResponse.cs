namespace BookingFunctions.StandaloneHost;

/// <summary>
/// GET /config.json: what the pages need to know about where they run. In Azure Static Web Apps the same document is
/// a static file written at deployment (web/config.example.json).
/// </summary>
public sealed record WebConfigResponse(string ApiBaseUrl, bool DevSignIn, WebOidcConfig? Oidc)
{
    internal static WebConfigResponse From(WebAppOptions o) => new(
        o.ApiBaseUrl.TrimEnd('/'),
        o.DevSignIn,
        string.IsNullOrWhiteSpace(o.Oidc.Authority) ? null : new WebOidcConfig(o.Oidc.Authority.TrimEnd('/'), o.Oidc.ClientId!, o.Oidc.Scopes));
}

public sealed record WebOidcConfig(string Authority, string ClientId, string Scopes);
