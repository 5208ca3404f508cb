using System.Buffers.Text;
using System.Text.Json;

namespace BookingFunctions.Identity;

/// <summary>
/// The rules of RFC 7515 / 7519 the token library does not enforce, checked on the raw header and claims set before
/// a token is validated:
/// <list type="bullet">
/// <item>a JWS with a <c>crit</c> header is refused: it names extensions the recipient must understand, and we
/// understand none (§4.1.11: "the JWS is invalid" otherwise);</item>
/// <item><c>exp</c>, <c>nbf</c> and <c>iat</c> are NumericDates, JSON numbers (RFC 7519 §2); a string that looks like
/// one was accepted and read as a time;</item>
/// <item>a header or claims set with a member name twice is refused (RFC 7515 §5.2, RFC 7519 §4): which one a parser
/// keeps is not ours to guess.</item>
/// </list>
/// Only the JWS compact form (three segments) is acceptable at all; everything else is left to the validator.
/// </summary>
internal static class CompactJwsRules
{
    private static readonly string[] NumericDateClaims = ["exp", "nbf", "iat"];

    public static bool AreMet(string token)
    {
        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (first <= 0 || second < 0 || token.IndexOf('.', second + 1) >= 0)
        {
            return false;
        }

        return MembersAreAcceptable(token.AsSpan(0, first), isHeader: true)
            && MembersAreAcceptable(token.AsSpan(first + 1, second - first - 1), isHeader: false);
    }

    private static bool MembersAreAcceptable(ReadOnlySpan<char> segment, bool isHeader)
    {
        byte[] json;
        try
        {
            json = Base64Url.DecodeFromChars(segment);
        }
        catch (FormatException)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                if (!names.Add(name) || (isHeader && name == "crit"))
                {
                    return false;
                }

                reader.Read();
                if (!isHeader && NumericDateClaims.Contains(name, StringComparer.Ordinal) && reader.TokenType != JsonTokenType.Number)
                {
                    return false;
                }

                reader.Skip();
            }

            return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // GetString on a name with an invalid escape (a lone surrogate)
            return false;
        }
    }
}
