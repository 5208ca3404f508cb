using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;
using BookingFunctions.StandaloneHost;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// A host whose database login defaults to REPEATABLE READ (a role or database setting, a pooler option) cannot take
/// decisions: the database refuses them with BK011, and the host answers 500 problem+json with a stable type and logs
/// one Error line naming the setting, never a raw 40001 / 23P01 and never a booking. Reads still answer.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class IsolationMisconfigurationTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_database_session_not_at_read_committed_answers_500_with_a_clear_log_line_and_books_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = fixture.Database;
        var accommodation = await Arrange.AccommodationAsync(db, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 40);
        var guest = TestTokens.NewGuest();
        var existing = await Arrange.BookingAsync(db, accommodation, checkIn, checkOut, guest, ct);
        var repeatableRead = new NpgsqlConnectionStringBuilder(db.AppConnectionString) { Options = "-c default_transaction_isolation=repeatable\\ read" };
        await using var app = BookingWebApp.Create(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:BookingDb"] = repeatableRead.ConnectionString,
                ["Booking:Auth:Issuer"] = TestTokens.Issuer,
                ["Booking:Auth:Audience"] = TestTokens.Audience,
                ["Booking:Auth:DevSigningKey"] = TestTokens.SigningKey,
                ["DoubleBookingMonitorSchedule"] = "0 0 0 1 1 *",
            });
            builder.Logging.ClearProviders();
            builder.Logging.AddFakeLogging();
        });
        await app.StartAsync(ct);
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        var token = TestTokens.For(guest);

        // Act
        using var create = await client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut));
        using var confirm = await client.SendAsync(HttpMethod.Post, $"/api/bookings/{existing}/confirm", token);
        using var cancel = await client.SendAsync(HttpMethod.Post, $"/api/bookings/{existing}/cancel", token);
        using var read = await client.SendAsync(HttpMethod.Get, $"/api/bookings/{existing}", token);
        using var availability = await client.SendAsync(HttpMethod.Get,
            $"/api/accommodations/{accommodation}/availability?checkIn={Api.Date(checkIn)}&checkOut={Api.Date(checkOut)}");

        // Assert
        foreach (var response in new[] { create, confirm, cancel })
        {
            var problem = await response.AssertProblemAsync(500, ProblemTypes.Misconfigured);
            Assert.DoesNotContain("repeatable", problem.GetRawText(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, availability.StatusCode);
        var errors = app.Services.GetRequiredService<FakeLogCollector>().GetSnapshot().Where(r => r.Level >= LogLevel.Error).ToList();
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e => Assert.Contains("default_transaction_isolation", e.Message, StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Null(e.Exception));
        Assert.Equal(1, await Arrange.BookingCountAsync(db, accommodation, ct));
        Assert.Equal("pending", await Arrange.StatusAsync(db, existing, ct));
        await app.StopAsync(ct);
    }
}
