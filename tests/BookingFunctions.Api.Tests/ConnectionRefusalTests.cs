using System.Runtime.Versioning;
using BookingFunctions.Errors;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// Scale-out's failure modes: too many instances for the server's connection slots (53300), an instance's own pool
/// exhausted, every host of a multi-host connection string refusing. Each must be a 503 problem with Retry-After
/// (the client comes back later), never a 500 and never a request left hanging.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ConnectionRefusalTests
{
    private static async Task AssertEveryAnswerIsRetryLaterAsync(HostedApp host, Guid accommodation)
    {
        var (checkIn, checkOut) = Arrange.Stay();
        using var create = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(accommodation, checkIn, checkOut));
        using var availability = await host.Client.SendAsync(HttpMethod.Get,
            $"/api/accommodations/{accommodation}/availability?checkIn={Api.Date(checkIn)}&checkOut={Api.Date(checkOut)}");
        using var read = await host.Client.SendAsync(HttpMethod.Get, $"/api/bookings/{Guid.NewGuid()}", TestTokens.For(TestTokens.NewGuest()));

        foreach (var response in new[] { create, availability, read })
        {
            var problem = await response.AssertProblemAsync(503, ProblemTypes.Unavailable);
            Assert.NotNull(response.Headers.RetryAfter?.Delta);
            Assert.DoesNotContain("Npgsql", problem.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_server_with_no_connection_slot_left_for_the_app_answers_503_with_Retry_After()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await TestDatabaseServer.GetAsync();
        await using var db = await server.CreateDatabaseAsync(nameof(ConnectionRefusalTests), ct);
        var accommodation = await Arrange.AccommodationAsync(db, rooms: 5, ct: ct);
        // the same refusal as max_connections used up ("sorry, too many clients already"): SQLSTATE 53300 at login
        await using (var admin = await db.Admin.OpenConnectionAsync(ct))
        {
            await admin.ExecuteAsync(new CommandDefinition($"alter database \"{db.Name}\" connection limit 0", cancellationToken: ct));
        }

        await using var host = await HostedApp.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:BookingDb"] = db.AppConnectionString,
        }, ct);

        // Act + Assert
        await AssertEveryAnswerIsRetryLaterAsync(host, accommodation);
    }

    [Fact]
    public async Task An_instance_whose_pool_is_exhausted_answers_503_with_Retry_After_after_its_pool_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await TestDatabaseServer.GetAsync();
        await using var db = await server.CreateDatabaseAsync(nameof(ConnectionRefusalTests), ct);
        var accommodation = await Arrange.AccommodationAsync(db, rooms: 5, ct: ct);
        await using var host = await HostedApp.StartAsync(new Dictionary<string, string?>
        {
            // one connection per instance, and a request waits at most a second for it
            ["ConnectionStrings:BookingDb"] = new NpgsqlConnectionStringBuilder(db.AppConnectionString) { MaxPoolSize = 1, Timeout = 1 }.ConnectionString,
        }, ct);
        await using var held = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct);

        // Act + Assert
        await AssertEveryAnswerIsRetryLaterAsync(host, accommodation);
    }

    [Fact]
    public async Task Every_host_of_a_multi_host_connection_string_refusing_answers_503_not_500()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var host = await HostedApp.StartAsync(new Dictionary<string, string?>
        {
            // a primary and a standby that are both down: nothing listens on ports 1 and 2 of loopback
            ["ConnectionStrings:BookingDb"] = "Host=127.0.0.1:1,127.0.0.1:2;Database=none;Username=nobody;Timeout=3",
        }, ct);

        // Act + Assert
        await AssertEveryAnswerIsRetryLaterAsync(host, Guid.NewGuid());
    }
}
