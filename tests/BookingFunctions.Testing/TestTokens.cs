using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BookingFunctions.Testing;

/// <summary>Bearer tokens for the host's development signing key, and broken ones the tests expect refused.</summary>
public static class TestTokens
{
    public const string Issuer = "https://issuer.tests.bookingfunctions.local";
    public const string Audience = "booking-api-tests";
    public const string StaffRole = "booking.staff";
    public static readonly string SigningKey = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray());

    private static readonly JsonWebTokenHandler Handler = new();

    public static string For(string subject, bool staff = false, string issuer = Issuer, string audience = Audience,
        string? key = null, DateTime? expires = null, DateTime? notBefore = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (staff)
        {
            claims["roles"] = new[] { StaffRole };
        }

        var now = DateTime.UtcNow;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = (notBefore ?? now).AddSeconds(-1),
            NotBefore = notBefore ?? now.AddSeconds(-1),
            Expires = expires ?? now.AddMinutes(30),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key ?? SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    public static string WithoutSubject(string? emptySubject = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["name"] = "nobody" };
        if (emptySubject is not null)
        {
            claims["sub"] = emptySubject;
        }

        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            Subject = new ClaimsIdentity(),
            Expires = now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An unsigned token with otherwise perfect claims; <paramref name="alg"/> varies the spelling of "none".</summary>
    public static string WithAlgNone(string subject, string alg = "none")
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode($$"""{"alg":"{{alg}}","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode($$"""{"sub":"{{subject}}","iss":"{{Issuer}}","aud":"{{Audience}}","exp":{{exp}}}""");
        return $"{header}.{payload}.";
    }

    /// <summary>A validly signed token whose payload was then edited (subject swapped), signature kept.</summary>
    public static string Tampered(string subject, string newSubject)
    {
        var parts = For(subject).Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]))
            .Replace($"\"{subject}\"", $"\"{newSubject}\"", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }

    /// <summary>
    /// A token signed with the test key (HS256) whose header and payload are exactly the JSON given, for tokens a
    /// well-behaved issuer would never mint: a crit header, a string exp, duplicate claims.
    /// </summary>
    public static string SignedRaw(string headerJson, string payloadJson)
    {
        var signingInput = $"{Base64UrlEncoder.Encode(headerJson)}.{Base64UrlEncoder.Encode(payloadJson)}";
        var signature = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>
    /// A valid claim set as JSON. <paramref name="iat"/>, <paramref name="nbf"/> and <paramref name="exp"/> replace the
    /// times as raw JSON values (e.g. a quoted string); <paramref name="extra"/> is spliced in as further members.
    /// </summary>
    public static string PayloadJson(string subject, string? extra = null, string? iat = null, string? nbf = null, string? exp = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string Seconds(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $$"""{"sub":{{System.Text.Json.JsonSerializer.Serialize(subject)}},"iss":"{{Issuer}}","aud":"{{Audience}}","iat":{{iat ?? Seconds(now - 1)}},"nbf":{{nbf ?? Seconds(now - 1)}},"exp":{{exp ?? Seconds(now + 600)}}{{(extra is null ? "" : "," + extra)}}}""";
    }

    /// <summary>A time <paramref name="secondsFromNow"/> away as a quoted string instead of a JSON number.</summary>
    public static string QuotedSeconds(int secondsFromNow) =>
        "\"" + DateTimeOffset.UtcNow.AddSeconds(secondsFromNow).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";

    public const string HeaderJson = """{"alg":"HS256","typ":"JWT"}""";

    public static string NewGuest() => $"guest-{Guid.NewGuid():N}";
}
