using System.Runtime.Versioning;
using Dapper;

namespace BookingFunctions.Api.Tests;

/// <summary>An error nobody mapped is a logged 500 problem+json, never a stack trace in the response.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class UnexpectedErrorTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Fact]
    public async Task An_unmapped_database_error_answers_500_problem_without_internals()
    {
        var ct = TestContext.Current.CancellationToken;
        // a deployment mistake the mapper has no entry for: the app role lost EXECUTE (SQLSTATE 42501)
        await using (var admin = await host.Database.Admin.OpenConnectionAsync(ct))
        {
            await admin.ExecuteAsync(new CommandDefinition("revoke execute on function public.get_booking(uuid, text) from booking_app", cancellationToken: ct));
        }

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, $"/api/bookings/{Guid.NewGuid()}", TestTokens.For(TestTokens.NewGuest()));

        // Assert
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Npgsql", text, StringComparison.Ordinal);
        Assert.DoesNotContain("permission denied", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
    }
}
