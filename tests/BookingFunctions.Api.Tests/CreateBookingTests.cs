using System.Net;
using System.Runtime.Versioning;
using System.Text;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

[UnsupportedOSPlatform("windows")]
public abstract class CreateBookingTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : ApiHostFixture
{
    [Fact]
    public async Task A_valid_request_holds_a_room_and_answers_201_with_Location_and_the_booking()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var guest = TestTokens.NewGuest();

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(guest),
            Api.BookingBody(accommodation, checkIn, checkOut, guests: 2));

        // Assert
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var booking = await response.ReadAsync<BookingDto>();
        Assert.Equal($"/api/bookings/{booking.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(accommodation, booking.AccommodationId);
        Assert.Equal(guest, booking.GuestId);
        Assert.Equal((checkIn, checkOut, 2, "pending"), (booking.CheckIn, booking.CheckOut, booking.Guests, booking.Status));
        Assert.InRange(booking.HoldExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));
        using var get = await host.Client.SendAsync(HttpMethod.Get, response.Headers.Location!.OriginalString, TestTokens.For(guest));
        Assert.Equal(booking, await get.ReadAsync<BookingDto>());
        Assert.Empty(await Arrange.DoubleBookingsAsync(host.Database, ct));
    }

    [Fact]
    public async Task A_full_night_answers_409_naming_the_night_in_the_detail()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 2, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 40, nights: 3);
        await Arrange.BookingAsync(host.Database, accommodation, checkIn.AddDays(1), checkIn.AddDays(2), ct: ct);
        await Arrange.BookingAsync(host.Database, accommodation, checkIn.AddDays(1), checkIn.AddDays(2), ct: ct);

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(accommodation, checkIn, checkOut));

        // Assert
        var problem = await response.AssertProblemAsync(409, ProblemTypes.FullyBooked);
        Assert.Equal($"All 2 rooms are taken on {Api.Date(checkIn.AddDays(1))}.", problem.GetProperty("detail").GetString());
        Assert.Equal(2, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }

    [Fact]
    public async Task An_unknown_accommodation_answers_404()
    {
        var (checkIn, checkOut) = Arrange.Stay();

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(Guid.NewGuid(), checkIn, checkOut));

        // Assert
        await response.AssertProblemAsync(404, ProblemTypes.AccommodationNotFound);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "xUnit reads [MemberData] from the test class; each closed type gets the same rows")]
    public static TheoryData<string, string> InvalidBodies()
    {
        var (checkIn, checkOut) = Arrange.Stay();
        // "@ACC" is replaced by a fresh accommodation in each test, so "nothing written" is exact
        string Body(string accommodationId = "@ACC", string? inDate = null, string? outDate = null, string guests = "2", string extra = "") =>
            $$"""{"accommodationId":"{{accommodationId}}","checkIn":"{{inDate ?? Api.Date(checkIn)}}","checkOut":"{{outDate ?? Api.Date(checkOut)}}","guests":{{guests}}{{extra}}}""";
        return new TheoryData<string, string>
        {
            { "guest id smuggled in the body", Body(extra: ",\"guestId\":\"someone-else\"") },
            { "unknown field", Body(extra: ",\"price\":0") },
            { "malformed JSON", "{\"accommodationId\":" },
            { "not an object", "[1,2,3]" },
            { "JSON null", "null" },
            { "empty body", "" },
            { "trailing comma", Body() [..^1] + ",}" },
            { "comment", "/* hi */" + Body() },
            { "duplicate property", Body(extra: ",\"guests\":3") },
            { "guests as string", Body(guests: "\"2\"") },
            { "guests fractional", Body(guests: "2.5") },
            { "guests zero", Body(guests: "0") },
            { "guests too many", Body(guests: "51") },
            { "accommodation not a UUID", Body(accommodationId: "42") },
            { "accommodation missing", $$"""{"checkIn":"{{Api.Date(checkIn)}}","checkOut":"{{Api.Date(checkOut)}}"}""" },
            { "date not ISO", Body(inDate: "24/12/2030") },
            { "impossible date", Body(inDate: "2030-02-30") },
            { "date with time", Body(inDate: Api.Date(checkIn) + "T00:00:00Z") },
            { "check-out before check-in", Body(inDate: Api.Date(checkOut), outDate: Api.Date(checkIn)) },
            { "check-out equals check-in", Body(outDate: Api.Date(checkIn)) },
            { "stay over 365 nights", Body(outDate: Api.Date(checkIn.AddDays(366))) },
            { "check-in in the past", Body(inDate: Api.Date(Arrange.Today.AddDays(-10)), outDate: Api.Date(Arrange.Today.AddDays(-8))) },
            { "check-in beyond two years", Body(inDate: Api.Date(Arrange.Today.AddDays(800)), outDate: Api.Date(Arrange.Today.AddDays(801))) },
            { "oversized body", Body(extra: ",\"padding\":\"" + new string('x', 20 * 1024) + "\"") },
            { "deeply nested", Body(extra: ",\"x\":" + new string('[', 64) + new string(']', 64)) },
        };
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_or_hostile_bodies_answer_400_and_write_nothing(string reason, string body)
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            body.Replace("@ACC", accommodation.ToString(), StringComparison.Ordinal));

        // Assert
        var problem = await response.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any(), reason);
        Assert.Equal(0, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_answers_415_and_writes_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        using var request = Api.Request(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()));
        request.Content = new StringContent($"accommodationId={accommodation}", Encoding.UTF8, "application/x-www-form-urlencoded");

        // Act
        using var response = await host.Client.SendAsync(request, ct);

        // Assert
        await response.AssertProblemAsync(415, ProblemTypes.UnsupportedMediaType);
        Assert.Equal(0, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }

    [Fact]
    public async Task An_oversized_body_is_refused_even_when_Content_Length_is_not_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        using var request = Api.Request(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()));
        var stream = new MemoryStream(Encoding.UTF8.GetBytes($"{{\"accommodationId\":\"{accommodation}\",\"x\":\"{new string('y', 64 * 1024)}\"}}"));
        request.Content = new StreamContent(stream);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        // Act
        using var response = await host.Client.SendAsync(request, ct);

        // Assert
        await response.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.Equal(0, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a-key-that-is-far-too-long-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task A_malformed_Idempotency_Key_answers_400(string key)
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        using var request = Api.Request(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(accommodation, checkIn, checkOut));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        // Act
        using var response = await host.Client.SendAsync(request, ct);

        // Assert
        await response.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.Equal(0, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }
}

/// <summary>The tests above with the app's connections straight to PostgreSQL.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class CreateBookingTests(ApiHostFixture host) : CreateBookingTests<ApiHostFixture>(host);

/// <summary>The tests above with the app's connections through PgBouncer in transaction mode.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class CreateBookingTestsThroughPgBouncer(PgBouncerApiHostFixture host) : CreateBookingTests<PgBouncerApiHostFixture>(host);
