using System.Text;
using System.Text.Json;
using BookingFunctions.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Api.Tests;

/// <summary>X-MS-CLIENT-PRINCIPAL trust, switched on (the HTTP tests cover it switched off).</summary>
public sealed class AppServicePrincipalTests
{
    public static string Encode(string subject, params string[] roles)
    {
        var claims = new List<object> { new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = subject } };
        claims.AddRange(roles.Select(r => new { typ = "roles", val = r }));
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { auth_typ = "aad", name_typ = "name", role_typ = "roles", claims })));
    }

    private static CallerAuthenticator Authenticator(bool trust)
    {
        var options = Options.Create(new AuthOptions
        {
            Issuer = TestTokens.Issuer,
            Audience = TestTokens.Audience,
            DevSigningKey = TestTokens.SigningKey,
            TrustAppServicePrincipal = trust,
        });
        return new CallerAuthenticator(new BearerTokenValidator(options, TimeProvider.System), options);
    }

    private static DefaultHttpContext WithPrincipal(string value)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-MS-CLIENT-PRINCIPAL"] = value;
        return context;
    }

    [Fact]
    public async Task A_trusted_principal_header_names_the_guest_and_its_staff_role()
    {
        var ct = TestContext.Current.CancellationToken;

        // Act
        var guest = await Authenticator(trust: true).AuthenticateAsync(WithPrincipal(Encode("oid-1")).Request, ct);
        var staff = await Authenticator(trust: true).AuthenticateAsync(WithPrincipal(Encode("oid-2", "booking.staff")).Request, ct);

        // Assert
        Assert.Equal(new Caller("oid-1", false), guest);
        Assert.Equal(new Caller("oid-2", true), staff);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bnVsbA==")]
    [InlineData("e30=")]
    public async Task A_malformed_principal_header_is_no_caller(string value)
    {
        // Act
        var caller = await Authenticator(trust: true).AuthenticateAsync(WithPrincipal(value).Request, TestContext.Current.CancellationToken);

        // Assert
        Assert.Null(caller);
    }

    [Fact]
    public async Task The_principal_header_is_no_caller_when_trust_is_off()
    {
        // Act
        var caller = await Authenticator(trust: false).AuthenticateAsync(WithPrincipal(Encode("oid-1")).Request, TestContext.Current.CancellationToken);

        // Assert
        Assert.Null(caller);
    }
}
