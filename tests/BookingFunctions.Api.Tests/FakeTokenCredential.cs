using Azure.Core;

namespace BookingFunctions.Api.Tests;

/// <summary>Stands in for DefaultAzureCredential: hands out whatever token the test sets, and counts requests.</summary>
internal sealed class FakeTokenCredential(string token) : TokenCredential
{
    private int _requests;

    public string Token { get; set; } = token;

    public int Requests => Volatile.Read(ref _requests);

    private readonly List<string> _scopes = [];

    /// <summary>A copy: Npgsql's background refresh may be adding to the list while a test reads it.</summary>
    public IReadOnlyList<string> Scopes
    {
        get
        {
            lock (_scopes)
            {
                return [.. _scopes];
            }
        }
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        lock (_scopes)
        {
            _scopes.AddRange(requestContext.Scopes);
        }

        Interlocked.Increment(ref _requests);
        return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
