using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BookingFunctions.StandaloneHost;

/// <summary>
/// Development bearer tokens, signed with the development key the host trusts (Booking:Auth:DevSigningKey): what ./run
/// prints and what the development sign-in hands out. Never used with an OpenID Connect authority.
/// </summary>
public static class DevTokenMinter
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public static string Mint(string signingKey, string issuer, string audience, string staffRole, string subject, bool staff, DateTimeOffset now)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (staff)
        {
            claims["roles"] = new[] { staffRole };
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
