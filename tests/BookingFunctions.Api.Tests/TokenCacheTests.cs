using System.Security.Claims;
using BookingFunctions.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The memory of validated tokens is bounded by its own byte accounting whatever callers send: many distinct valid
/// tokens never make it hold more than its budget, a token too large to be worth remembering is validated every time,
/// and expired entries leave as the clock moves on, without a background thread.
/// </summary>
public sealed class TokenCacheTests
{
    private static BearerTokenValidator Validator() =>
        new(Options.Create(new AuthOptions { Issuer = TestTokens.Issuer, Audience = TestTokens.Audience, DevSigningKey = TestTokens.SigningKey }),
            TimeProvider.System);

    private static ClaimsIdentity Identity(string subject, int padding = 0) =>
        new([new Claim("sub", subject), new Claim("pad", new string('p', padding))], "test");

    [Fact]
    public async Task Thousands_of_distinct_valid_tokens_never_make_the_validator_remember_more_than_its_byte_budget()
    {
        var ct = TestContext.Current.CancellationToken;
        var validator = Validator();
        var cache = validator.Remembered;
        var padding = new string('x', 6_000);
        long largest = 0;

        // Act: what a client minting fresh tokens (or an attacker holding a signing key's worth of them) sends
        for (var i = 0; i < 3_000; i++)
        {
            var token = TestTokens.SignedRaw(TestTokens.HeaderJson, TestTokens.PayloadJson($"guest-{i}", extra: $"\"pad\":\"{padding}\""));
            Assert.NotNull(await validator.ValidateAsync(token, ct));
            largest = Math.Max(largest, cache.Bytes);
        }

        // Assert
        TestContext.Current.TestOutputHelper?.WriteLine($"remembered {cache.Count} tokens in {cache.Bytes:N0} bytes (most {largest:N0}; budget {cache.Budget:N0})");
        Assert.True(largest <= cache.Budget, $"the cache held {largest:N0} bytes, over its budget of {cache.Budget:N0}");
        Assert.InRange(cache.Count, 1, 3_000);
    }

    [Fact]
    public async Task A_token_too_large_to_remember_is_accepted_but_never_remembered()
    {
        var ct = TestContext.Current.CancellationToken;
        var validator = Validator();
        var token = TestTokens.SignedRaw(TestTokens.HeaderJson, TestTokens.PayloadJson("guest-big", extra: $"\"pad\":\"{new string('x', 27_000)}\""));

        // Act
        var first = await validator.ValidateAsync(token, ct);
        var second = await validator.ValidateAsync(token, ct);

        // Assert
        Assert.True(token.Length > validator.Remembered.MaxToken);
        Assert.Equal(("guest-big", "guest-big"), (first?.FindFirst("sub")?.Value, second?.FindFirst("sub")?.Value));
        Assert.Equal((0, 0L), (validator.Remembered.Count, validator.Remembered.Bytes));
    }

    [Fact]
    public void Expired_entries_leave_when_later_tokens_are_remembered_without_being_asked_for_again()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var cache = new ValidatedTokenCache(clock);
        for (var i = 0; i < 100; i++)
        {
            cache.Remember($"token-{i}", Identity($"guest-{i}"), clock.GetUtcNow().AddMinutes(1));
        }

        var full = (cache.Count, cache.Bytes);

        // Act
        clock.Advance(TimeSpan.FromMinutes(2));
        cache.Remember("token-late", Identity("guest-late"), clock.GetUtcNow().AddMinutes(1));

        // Assert
        Assert.Equal(100, full.Count);
        Assert.Equal(1, cache.Count);
        Assert.Equal(ValidatedTokenCache.EstimateBytes("token-late", Identity("guest-late")), cache.Bytes);
        Assert.True(cache.TryGet("token-late", out _));
    }

    [Fact]
    public void Remembering_never_extends_a_tokens_own_lifetime_nor_keeps_it_past_five_minutes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var cache = new ValidatedTokenCache(clock);
        cache.Remember("short", Identity("guest-short"), clock.GetUtcNow().AddSeconds(10));
        cache.Remember("long", Identity("guest-long"), clock.GetUtcNow().AddHours(1));

        // Act
        clock.Advance(TimeSpan.FromSeconds(11));
        var shortAfterItsExpiry = cache.TryGet("short", out _);
        var longBeforeFiveMinutes = cache.TryGet("long", out _);
        clock.Advance(TimeSpan.FromMinutes(5));
        var longAfterFiveMinutes = cache.TryGet("long", out _);

        // Assert
        Assert.Equal((false, true, false), (shortAfterItsExpiry, longBeforeFiveMinutes, longAfterFiveMinutes));
    }

    [Fact]
    public void Over_its_budget_the_cache_lets_go_of_the_entries_closest_to_expiry_first()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var entry = ValidatedTokenCache.EstimateBytes("token-00", Identity("guest-00", padding: 1000));
        var cache = new ValidatedTokenCache(clock, budgetBytes: entry * 10, maxTokenChars: 1000);

        // Act: 20 entries, each living a second longer than the one before
        for (var i = 0; i < 20; i++)
        {
            cache.Remember($"token-{i:00}", Identity($"guest-{i:00}", padding: 1000), clock.GetUtcNow().AddSeconds(60 + i));
            Assert.True(cache.Bytes <= cache.Budget, $"over budget after entry {i}: {cache.Bytes} > {cache.Budget}");
        }

        // Assert
        Assert.InRange(cache.Count, 5, 10);
        Assert.True(cache.TryGet("token-19", out _));
        Assert.False(cache.TryGet("token-00", out _));
    }
}
