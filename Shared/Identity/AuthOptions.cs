namespace BookingFunctions.Identity;

/// <summary>
/// Who may call, bound from "Booking:Auth". Either an OpenID Connect <see cref="Authority"/> (Entra ID,
/// Supabase Auth, Auth0 …: keys and issuer come from its metadata) or a <see cref="DevSigningKey"/> with an
/// <see cref="Issuer"/> for local development and tests. <see cref="Audience"/> is always required.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Booking:Auth";

    public string? Authority { get; set; }

    /// <summary>Overrides the issuer from the authority's metadata (some providers publish a templated one).</summary>
    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    /// <summary>HMAC-SHA256 key (at least 32 bytes of UTF-8) for locally minted tokens. Never set in Azure.</summary>
    public string? DevSigningKey { get; set; }

    /// <summary>A caller with this role (claim "roles" or "role") may act on any booking.</summary>
    public string StaffRole { get; set; } = "booking.staff";

    /// <summary>
    /// Trust App Service Authentication's X-MS-CLIENT-PRINCIPAL header. Only safe behind App Service
    /// Authentication, which strips the header from client requests; anywhere else a client could forge it.
    /// </summary>
    public bool TrustAppServicePrincipal { get; set; }

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Metadata must come over HTTPS; only a local test authority may turn this off.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    internal static bool IsValid(AuthOptions o) =>
        !string.IsNullOrWhiteSpace(o.Audience)
        && !string.IsNullOrWhiteSpace(o.StaffRole)
        && o.ClockSkew >= TimeSpan.Zero && o.ClockSkew <= TimeSpan.FromMinutes(5)
        && (HasAuthority(o) || HasDevKey(o))
        && (!HasDevKey(o) || (!string.IsNullOrWhiteSpace(o.Issuer) && System.Text.Encoding.UTF8.GetByteCount(o.DevSigningKey!) >= 32));

    internal static bool HasAuthority(AuthOptions o) => !string.IsNullOrWhiteSpace(o.Authority);

    internal static bool HasDevKey(AuthOptions o) => !string.IsNullOrWhiteSpace(o.DevSigningKey);
}
