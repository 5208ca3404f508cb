using System.Security.Claims;
using BookingFunctions.Identity;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Api.Tests;

/// <summary>The validator remembers tokens that passed; remembering must never accept what validation would refuse.</summary>
public sealed class BearerTokenMemoryTests
{
    private static BearerTokenValidator Validator(TimeSpan? clockSkew = null) =>
        new(Options.Create(new AuthOptions
        {
            Issuer = TestTokens.Issuer,
            Audience = TestTokens.Audience,
            DevSigningKey = TestTokens.SigningKey,
            ClockSkew = clockSkew ?? TimeSpan.FromSeconds(30),
        }), TimeProvider.System);

    [Fact]
    public async Task A_remembered_token_is_refused_once_it_has_expired()
    {
        var ct = TestContext.Current.CancellationToken;
        var validator = Validator(clockSkew: TimeSpan.Zero);
        var token = TestTokens.For("guest-short", expires: DateTime.UtcNow.AddSeconds(2));

        // Act
        var fresh = await validator.ValidateAsync(token, ct);
        var again = await validator.ValidateAsync(token, ct);
        await Task.Delay(TimeSpan.FromSeconds(2.5), ct);
        var expired = await validator.ValidateAsync(token, ct);

        // Assert
        Assert.Equal("guest-short", fresh?.FindFirst("sub")?.Value);
        Assert.Equal("guest-short", again?.FindFirst("sub")?.Value);
        Assert.Null(expired);
    }

    [Fact]
    public async Task A_tampered_copy_of_a_remembered_token_is_still_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        var validator = Validator();
        var token = TestTokens.For("guest-real");
        Assert.NotNull(await validator.ValidateAsync(token, ct));

        // Act
        var tampered = await validator.ValidateAsync(TestTokens.Tampered("guest-real", "guest-else"), ct);
        var otherKey = await validator.ValidateAsync(TestTokens.For("guest-real", key: new string('k', 64)), ct);

        // Assert
        Assert.Null(tampered);
        Assert.Null(otherKey);
    }

    [Fact]
    public async Task Changing_a_returned_identity_does_not_change_what_the_next_request_gets()
    {
        var ct = TestContext.Current.CancellationToken;
        var validator = Validator();
        var token = TestTokens.For("guest-plain");
        var first = await validator.ValidateAsync(token, ct);

        // Act
        first!.AddClaim(new Claim("roles", TestTokens.StaffRole));
        var second = await validator.ValidateAsync(token, ct);

        // Assert
        Assert.Null(second!.FindFirst("roles"));
    }
}
