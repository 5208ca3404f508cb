using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

[UnsupportedOSPlatform("windows")]
public abstract class IdempotencyTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : ApiHostFixture
{
    private const string ReplayedHeader = "Idempotent-Replayed";

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
    public async Task Only_the_first_answer_for_a_key_is_fresh_and_every_replay_carries_Idempotent_Replayed_true()
    {
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: TestContext.Current.CancellationToken);
        var (checkIn, checkOut) = Arrange.Stay();
        var token = TestTokens.For(TestTokens.NewGuest());
        var key = Guid.NewGuid().ToString();

        // Act
        using var first = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut), key);
        using var second = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut), key);
        using var keyless = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut));

        // Assert
        Assert.False(first.Headers.Contains(ReplayedHeader));
        Assert.Equal(["true"], second.Headers.GetValues(ReplayedHeader));
        Assert.False(keyless.Headers.Contains(ReplayedHeader));
    }

    [Fact]
    public async Task A_replay_of_a_booking_cancelled_since_is_201_with_Idempotent_Replayed_and_its_current_status()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var token = TestTokens.For(TestTokens.NewGuest());
        var key = Guid.NewGuid().ToString();
        using var first = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut), key);
        var booking = await first.ReadAsync<BookingDto>();
        using var cancel = await host.Client.SendAsync(HttpMethod.Post, $"/api/bookings/{booking.Id}/cancel", token);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);

        // Act
        using var replay = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut), key);

        // Assert
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(["true"], replay.Headers.GetValues(ReplayedHeader));
        Assert.Equal(booking with { Status = "cancelled" }, await replay.ReadAsync<BookingDto>());
        Assert.Equal(1, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }

    [Fact]
    public async Task A_replay_of_a_hold_that_ran_out_since_shows_it_expired()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var token = TestTokens.For(TestTokens.NewGuest());
        var key = Guid.NewGuid().ToString();
        using var first = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut), key);
        var booking = await first.ReadAsync<BookingDto>();
        await Arrange.ExpireHoldAsync(host.Database, booking.Id, ct);

        // Act
        using var replay = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut), key);

        // Assert
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(["true"], replay.Headers.GetValues(ReplayedHeader));
        var shown = await replay.ReadAsync<BookingDto>();
        Assert.Equal((booking.Id, "expired"), (shown.Id, shown.Status));
        Assert.Equal(1, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }

    [Fact]
    public async Task A_replay_inside_the_24_hour_window_is_replayed_and_one_after_it_is_422_idempotency_key_expired_and_books_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var token = TestTokens.For(TestTokens.NewGuest());
        var key = Guid.NewGuid().ToString();
        using var first = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut), key);
        var booking = await first.ReadAsync<BookingDto>();
        await Arrange.AgeAsync(host.Database, booking.Id, TimeSpan.FromHours(23), ct);

        // Act
        using var inside = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut), key);
        await Arrange.AgeAsync(host.Database, booking.Id, TimeSpan.FromHours(2), ct);
        using var after = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut), key);

        // Assert
        Assert.Equal(HttpStatusCode.Created, inside.StatusCode);
        Assert.Equal(["true"], inside.Headers.GetValues(ReplayedHeader));
        var problem = await after.AssertProblemAsync(422, ProblemTypes.IdempotencyKeyExpired);
        var usedAt = booking.CreatedAt.AddHours(-25);
        Assert.Equal(
            $"This Idempotency-Key was used on {usedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} for booking {booking.Id}; a key replays its answer for 24 hours. " +
            "Send a new key to book again.", problem.GetProperty("detail").GetString());
        Assert.Equal(booking.Id, problem.GetProperty("bookingId").GetGuid());
        Assert.Equal(usedAt, problem.GetProperty("usedAt").GetDateTimeOffset());
        Assert.False(after.Headers.Contains(ReplayedHeader));
        Assert.Equal(1, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }

    [Fact]
    public async Task A_group_replayed_after_the_window_is_422_idempotency_key_expired_naming_the_group()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var token = TestTokens.For(TestTokens.NewGuest());
        var key = Guid.NewGuid().ToString();
        var body = Api.GroupBody((accommodation, checkIn, checkOut), (accommodation, checkIn, checkOut));
        using var first = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, body, key);
        var group = await first.ReadAsync<BookingGroupDto>();
        await Arrange.AgeAsync(host.Database, group.Bookings[0].Id, TimeSpan.FromDays(2), ct);

        // Act
        using var after = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, body, key);

        // Assert
        var problem = await after.AssertProblemAsync(422, ProblemTypes.IdempotencyKeyExpired);
        Assert.Contains($"for booking group {group.GroupId};", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(group.GroupId, problem.GetProperty("groupId").GetGuid());
        Assert.Equal(2, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
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
            return (response.StatusCode, Location: response.Headers.Location?.OriginalString, Replayed: response.Headers.Contains(ReplayedHeader),
                Body: await response.Content.ReadAsStringAsync(ct));
        }).ToList();
        start.Release(sends.Count);
        var responses = await Task.WhenAll(sends);

        // Assert
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(responses, r => !r.Replayed);
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
