using System.Runtime.Versioning;
using BookingFunctions.Errors;
using BookingFunctions.StandaloneHost;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Api.Tests;

/// <summary>Busy or unreachable database: 503 + Retry-After problem, never a 500 with a stack trace.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ResilienceTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Fact]
    public async Task A_booking_that_waits_too_long_for_a_lock_answers_503_with_Retry_After()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        await Arrange.BookingAsync(host.Database, accommodation, checkIn, checkOut, ct: ct);
        await using var blocker = await host.Database.Admin.OpenConnectionAsync(ct);
        await using var transaction = await blocker.BeginTransactionAsync(ct);
        await blocker.ExecuteAsync(new CommandDefinition(
            "select 1 from booking.night_inventory where accommodation_id = @accommodation for update",
            new { accommodation }, transaction, cancellationToken: ct));

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(accommodation, checkIn, checkOut));

        // Assert
        await response.AssertProblemAsync(503, ProblemTypes.Busy);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        await transaction.RollbackAsync(ct);
        Assert.Equal(1, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }

    [Fact]
    public async Task An_unreachable_database_answers_503_with_Retry_After_and_no_exception_details()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                // port 1 on loopback: nothing listens, the connection is refused at once
                ["ConnectionStrings:BookingDb"] = "Host=127.0.0.1;Port=1;Database=none;Username=nobody;Timeout=3",
                ["Booking:Auth:Issuer"] = TestTokens.Issuer,
                ["Booking:Auth:Audience"] = TestTokens.Audience,
                ["Booking:Auth:DevSigningKey"] = TestTokens.SigningKey,
            });
            builder.Logging.SetMinimumLevel(LogLevel.Critical);
        });
        await app.StartAsync(ct);
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        var (checkIn, checkOut) = Arrange.Stay();

        // Act
        using var create = await client.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(Guid.NewGuid(), checkIn, checkOut));
        using var availability = await client.SendAsync(HttpMethod.Get,
            $"/api/accommodations/{Guid.NewGuid()}/availability?checkIn={Api.Date(checkIn)}&checkOut={Api.Date(checkOut)}");

        // Assert
        foreach (var response in new[] { create, availability })
        {
            var problem = await response.AssertProblemAsync(503, ProblemTypes.Unavailable);
            Assert.NotNull(response.Headers.RetryAfter?.Delta);
            Assert.DoesNotContain("Npgsql", problem.GetRawText(), StringComparison.Ordinal);
        }

        await app.StopAsync(ct);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_route()
    {
        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, "/api/openapi.json");

        // Assert
        response.EnsureSuccessStatusCode();
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/api/bookings", "/api/bookings/{id}", "/api/bookings/{id}/item", "/api/bookings/{id}/confirm",
                     "/api/bookings/{id}/cancel", "/api/accommodations/{id}/availability", "/api/health" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }

        var create = paths.GetProperty("/api/bookings").GetProperty("post");
        Assert.Equal("CreateBookingSecurely", create.GetProperty("operationId").GetString());
        Assert.True(create.TryGetProperty("requestBody", out _), "POST /api/bookings documents its body");
        Assert.True(create.TryGetProperty("security", out _), "POST /api/bookings requires the bearer scheme");
        // public: an explicit "no authentication" (one empty requirement), not an unstated one
        var availabilitySecurity = paths.GetProperty("/api/accommodations/{id}/availability").GetProperty("get").GetProperty("security");
        Assert.Equal(System.Text.Json.JsonValueKind.Object, Assert.Single(availabilitySecurity.EnumerateArray()).ValueKind);
        Assert.Empty(availabilitySecurity[0].EnumerateObject());
        Assert.Equal("bearer", document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer")
            .GetProperty("scheme").GetString());
    }
}
