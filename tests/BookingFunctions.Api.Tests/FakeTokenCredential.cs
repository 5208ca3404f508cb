using Azure.Core;

namespace BookingFunctions.Api.Tests;

/// <summary>Stands in for DefaultAzureCredential: hands out whatever token the test sets, and counts requests.</summary>
internal sealed class FakeTokenCredential(string token) : TokenCredential
{
    private int _requests;

    public string Token { get; set; } = token;

    public int Requests => Volatile.Read(ref _requests);

    public List<string> Scopes { get; } = [];

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        lock (Scopes)
        {
            Scopes.AddRange(requestContext.Scopes);
        }

        Interlocked.Increment(ref _requests);
        return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
