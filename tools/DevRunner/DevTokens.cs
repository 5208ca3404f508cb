using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BookingFunctions.DevRunner;

/// <summary>Mints development bearer tokens signed with the local key the host is configured to trust.</summary>
internal sealed class DevTokens(string signingKey, TimeProvider time)
{
    public const string Issuer = "booking-local-dev";
    public const string Audience = "booking-api";
    public const string StaffRole = "booking.staff";

    public string SigningKey => signingKey;

    public string For(string subject, bool staff = false)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (staff)
        {
            claims["roles"] = new[] { StaffRole };
        }

        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(12),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
