using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

[UnsupportedOSPlatform("windows")]
public abstract class IdempotencyTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : ApiHostFixture
{
    [Fact]
    public async Task Replaying_a_key_sequentially_returns_the_same_201_Location_and_body_and_books_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var token = TestTokens.For(TestTokens.NewGuest());
        var key = Guid.NewGuid().ToString();

        var responses = new List<(HttpStatusCode Status, string? Location, string Body)>();
        for (var i = 0; i < 3; i++)
        {
            // Act
            using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token,
                Api.BookingBody(accommodation, checkIn, checkOut), key);
            responses.Add((response.StatusCode, response.Headers.Location?.OriginalString, await response.Content.ReadAsStringAsync(ct)));
        }

        // Assert
        Assert.Equal(HttpStatusCode.Created, responses[0].Status);
        Assert.All(responses, r => Assert.Equal(responses[0], r));
        Assert.Equal(1, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }

    [Fact]
    public async Task Replaying_a_key_concurrently_books_once_and_every_caller_gets_the_same_201()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 50, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var token = TestTokens.For(TestTokens.NewGuest());
        var key = Guid.NewGuid().ToString();
        using var start = new SemaphoreSlim(0);

        // Act
        var sends = Enumerable.Range(0, 25).Select(async _ =>
        {
            await start.WaitAsync(ct);
            using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token,
                Api.BookingBody(accommodation, checkIn, checkOut), key);
            return (response.StatusCode, Location: response.Headers.Location?.OriginalString, Body: await response.Content.ReadAsStringAsync(ct));
        }).ToList();
        start.Release(sends.Count);
        var responses = await Task.WhenAll(sends);

        // Assert
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(responses.Select(r => r.Location).Distinct());
        Assert.Single(responses.Select(r => r.Body).Distinct());
        Assert.Equal(1, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
        Assert.Empty(await Arrange.DoubleBookingsAsync(host.Database, ct));
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_answers_422_and_books_nothing_more()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var token = TestTokens.For(TestTokens.NewGuest());
        var key = Guid.NewGuid().ToString();
        using var first = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut), key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token,
            Api.BookingBody(accommodation, checkIn, checkOut.AddDays(1)), key);

        // Assert
        await response.AssertProblemAsync(422, ProblemTypes.IdempotencyKeyReused);
        Assert.Equal(1, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }

    [Fact]
    public async Task Keys_belong_to_a_guest_so_two_guests_with_the_same_key_get_two_bookings()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var key = Guid.NewGuid().ToString();

        // Act
        using var a = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(accommodation, checkIn, checkOut), key);
        using var b = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(accommodation, checkIn, checkOut), key);

        // Assert
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (a.StatusCode, b.StatusCode));
        Assert.NotEqual(a.Headers.Location, b.Headers.Location);
        Assert.Equal(2, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }
}

/// <summary>The tests above with the app's connections straight to PostgreSQL.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class IdempotencyTests(ApiHostFixture host) : IdempotencyTests<ApiHostFixture>(host);

/// <summary>The tests above with the app's connections through PgBouncer in transaction mode.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class IdempotencyTestsThroughPgBouncer(PgBouncerApiHostFixture host) : IdempotencyTests<PgBouncerApiHostFixture>(host);
