using BookingFunctions.StandaloneHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Api.Tests;

/// <summary>Options are validated when the host starts, not on the first request that needs them.</summary>
public sealed class ConfigurationTests
{
    public static TheoryData<string, string?> BadSettings() => new()
    {
        { "ConnectionStrings:BookingDb", null },
        { "Booking:Auth:Audience", null },
        { "Booking:Auth:DevSigningKey", "too-short" },
        { "Booking:Auth:Authority", "https://login.example/tenant/v2.0" },
        { "Booking:HoldTtl", "2.00:00:00" },
        { "Booking:MaxRequestBodyBytes", "0" },
        // a key must replay at least for as long as its hold lasts, and is not kept replaying for years
        { "Booking:IdempotencyKeyRetention", "00:10:00" },
        { "Booking:IdempotencyKeyRetention", "400.00:00:00" },
        { "DoubleBookingMonitorSchedule", "*/5 * * * *" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task The_host_refuses_to_start_with_a_missing_or_bad_setting(string key, string? value)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:BookingDb"] = "Host=127.0.0.1;Database=x;Username=y",
            ["Booking:Auth:Issuer"] = TestTokens.Issuer,
            ["Booking:Auth:Audience"] = TestTokens.Audience,
            ["Booking:Auth:DevSigningKey"] = TestTokens.SigningKey,
        };
        settings[key] = value;
        await using var app = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));

        // Act
        var error = await Record.ExceptionAsync(() => app.StartAsync(TestContext.Current.CancellationToken));

        // Assert
        Assert.IsType<OptionsValidationException>(error);
    }
}
