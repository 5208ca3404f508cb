using BookingFunctions.Identity;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The validator reads tokens by the letter of RFC 7515 / 7519: a JWS whose crit header names extensions we do not
/// understand is refused (§4.1.11), exp / nbf / iat are NumericDates, i.e. JSON numbers (§2), and a header or claim
/// set with a duplicate member name is refused rather than resolved one way or the other. Each refused token here
/// is correctly signed, so only these rules refuse it.
/// </summary>
public sealed class TokenStrictnessTests
{
    private static BearerTokenValidator Validator() =>
        new(Options.Create(new AuthOptions { Issuer = TestTokens.Issuer, Audience = TestTokens.Audience, DevSigningKey = TestTokens.SigningKey }),
            TimeProvider.System);

    // Kinds only: a token minted at discovery could be signed with another process's random test key and be
    // refused for that reason alone. Each is minted when the test runs.
    public static TheoryData<string> RefusedTokens() => new(Kinds.Keys);

    private static readonly Dictionary<string, Func<string>> Kinds = new(StringComparer.Ordinal)
    {
        ["crit naming an unknown extension"] = () => TestTokens.SignedRaw("""{"alg":"HS256","typ":"JWT","crit":["exp-ext"],"exp-ext":true}""", TestTokens.PayloadJson("guest-s")),
        ["crit naming a registered header"] = () => TestTokens.SignedRaw("""{"alg":"HS256","typ":"JWT","crit":["alg"]}""", TestTokens.PayloadJson("guest-s")),
        ["crit empty"] = () => TestTokens.SignedRaw("""{"alg":"HS256","typ":"JWT","crit":[]}""", TestTokens.PayloadJson("guest-s")),
        ["crit not an array"] = () => TestTokens.SignedRaw("""{"alg":"HS256","typ":"JWT","crit":"b64"}""", TestTokens.PayloadJson("guest-s")),
        ["exp as a string"] = () => TestTokens.SignedRaw(TestTokens.HeaderJson, TestTokens.PayloadJson("guest-s", exp: TestTokens.QuotedSeconds(600))),
        ["nbf as a string"] = () => TestTokens.SignedRaw(TestTokens.HeaderJson, TestTokens.PayloadJson("guest-s", nbf: TestTokens.QuotedSeconds(-1))),
        ["iat as a string"] = () => TestTokens.SignedRaw(TestTokens.HeaderJson, TestTokens.PayloadJson("guest-s", iat: TestTokens.QuotedSeconds(-1))),
        ["exp as a boolean"] = () => TestTokens.SignedRaw(TestTokens.HeaderJson, TestTokens.PayloadJson("guest-s", exp: "true")),
        ["exp as an array"] = () => TestTokens.SignedRaw(TestTokens.HeaderJson, TestTokens.PayloadJson("guest-s", exp: "[9999999999]")),
        ["duplicate sub"] = () => TestTokens.SignedRaw(TestTokens.HeaderJson, TestTokens.PayloadJson("guest-s", extra: "\"sub\":\"guest-other\"")),
        ["duplicate alg"] = () => TestTokens.SignedRaw("""{"alg":"HS256","typ":"JWT","alg":"HS256"}""", TestTokens.PayloadJson("guest-s")),
    };

    [Fact]
    public async Task A_hand_signed_well_formed_token_is_accepted()
    {
        var ct = TestContext.Current.CancellationToken;

        // Act
        var identity = await Validator().ValidateAsync(TestTokens.SignedRaw(TestTokens.HeaderJson, TestTokens.PayloadJson("guest-s")), ct);

        // Assert
        Assert.Equal("guest-s", identity?.FindFirst("sub")?.Value);
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_correctly_signed_token_that_breaks_the_JWS_or_JWT_rules_is_refused(string kind)
    {
        var ct = TestContext.Current.CancellationToken;

        // Act
        var identity = await Validator().ValidateAsync(Kinds[kind](), ct);

        // Assert
        Assert.True(identity is null, $"{kind} was accepted");
    }
}
