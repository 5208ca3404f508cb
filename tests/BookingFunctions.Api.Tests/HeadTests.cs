using System.Net;
using System.Runtime.Versioning;

namespace BookingFunctions.Api.Tests;

/// <summary>HEAD on every GET route: the GET's status and headers, no body (it answered 405 before).</summary>
[UnsupportedOSPlatform("windows")]
public sealed class HeadTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Fact]
    public async Task HEAD_on_availability_answers_200_with_the_headers_of_GET_and_no_body()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 3, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var path = $"/api/accommodations/{accommodation}/availability?checkIn={Api.Date(checkIn)}&checkOut={Api.Date(checkOut)}";
        using var get = await host.Client.SendAsync(HttpMethod.Get, path);

        // Act
        using var head = await host.Client.SendAsync(HttpMethod.Head, path);

        // Assert
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync(ct));
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(get.Headers.CacheControl, head.Headers.CacheControl);
    }

    [Fact]
    public async Task HEAD_on_a_booking_and_on_the_OpenAPI_document_answers_like_GET_without_a_body()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 3, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var guest = TestTokens.NewGuest();
        using var created = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(guest), Api.BookingBody(accommodation, checkIn, checkOut));
        var booking = await created.ReadAsync<BookingDto>();

        // Act
        using var own = await host.Client.SendAsync(HttpMethod.Head, $"/api/bookings/{booking.Id}", TestTokens.For(guest));
        using var anonymous = await host.Client.SendAsync(HttpMethod.Head, $"/api/bookings/{booking.Id}");
        using var openApi = await host.Client.SendAsync(HttpMethod.Head, "/api/openapi.json");

        // Assert
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.OK), (own.StatusCode, anonymous.StatusCode, openApi.StatusCode));
        foreach (var response in new[] { own, anonymous, openApi })
        {
            Assert.Empty(await response.Content.ReadAsByteArrayAsync(ct));
        }
    }
}
