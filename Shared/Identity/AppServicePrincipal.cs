using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BookingFunctions.Identity;

/// <summary>
/// Reads App Service Authentication's X-MS-CLIENT-PRINCIPAL (base64 JSON: auth_typ, name_typ, role_typ,
/// claims[{typ,val}]). Called only when <see cref="AuthOptions.TrustAppServicePrincipal"/> is on.
/// </summary>
internal static class AppServicePrincipal
{
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ClaimsIdentity? Parse(string value)
    {
        try
        {
            var payload = JsonSerializer.Deserialize<Principal>(Encoding.UTF8.GetString(Convert.FromBase64String(value)), Json);
            if (payload?.Claims is null)
            {
                return null;
            }

            var claims = payload.Claims.Where(c => c.Typ is not null && c.Val is not null).Select(c => new Claim(c.Typ!, c.Val!));
            return new ClaimsIdentity(claims, payload.AuthTyp ?? "AppService", "sub", payload.RoleTyp ?? "roles");
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException)
        {
            return null;
        }
    }

    private sealed record Principal(
        [property: JsonPropertyName("auth_typ")] string? AuthTyp,
        [property: JsonPropertyName("role_typ")] string? RoleTyp,
        [property: JsonPropertyName("claims")] IReadOnlyList<PrincipalClaim>? Claims);

    private sealed record PrincipalClaim(
        [property: JsonPropertyName("typ")] string? Typ,
        [property: JsonPropertyName("val")] string? Val);
}
