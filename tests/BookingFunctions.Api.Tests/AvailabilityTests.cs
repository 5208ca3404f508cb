using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

[UnsupportedOSPlatform("windows")]
public sealed class AvailabilityTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    private static string Path(Guid accommodation, DateOnly checkIn, DateOnly checkOut) =>
        $"/api/accommodations/{accommodation}/availability?checkIn={Api.Date(checkIn)}&checkOut={Api.Date(checkOut)}";

    [Fact]
    public async Task Availability_is_capacity_minus_the_busiest_night_with_a_short_public_cache()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 4, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay(nights: 3);
        await Arrange.BookingAsync(host.Database, accommodation, checkIn, checkIn.AddDays(1), ct: ct);
        await Arrange.BookingAsync(host.Database, accommodation, checkIn.AddDays(1), checkOut, ct: ct);
        await Arrange.BookingAsync(host.Database, accommodation, checkIn.AddDays(1), checkOut, ct: ct);

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, Path(accommodation, checkIn, checkOut));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new AvailabilityDto(2, false), await response.ReadAsync<AvailabilityDto>());
        Assert.True(response.Headers.CacheControl is { Public: true, MaxAge.TotalSeconds: > 0 and <= 60 });
    }

    [Fact]
    public async Task A_sold_out_stay_reports_zero_and_an_unlimited_accommodation_reports_unlimited()
    {
        var ct = TestContext.Current.CancellationToken;
        var full = await Arrange.AccommodationAsync(host.Database, rooms: 1, ct: ct);
        var unlimited = await Arrange.AccommodationAsync(host.Database, rooms: null, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        await Arrange.BookingAsync(host.Database, full, checkIn, checkOut, ct: ct);

        // Act
        using var soldOut = await host.Client.SendAsync(HttpMethod.Get, Path(full, checkIn, checkOut));
        using var open = await host.Client.SendAsync(HttpMethod.Get, Path(unlimited, checkIn, checkOut));

        // Assert
        Assert.Equal(new AvailabilityDto(0, false), await soldOut.ReadAsync<AvailabilityDto>());
        Assert.Equal(new AvailabilityDto(null, true), await open.ReadAsync<AvailabilityDto>());
    }

    [Fact]
    public async Task An_unknown_accommodation_answers_404_without_caching()
    {
        var (checkIn, checkOut) = Arrange.Stay();

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, Path(Guid.NewGuid(), checkIn, checkOut));

        // Assert
        await response.AssertProblemAsync(404, ProblemTypes.AccommodationNotFound);
        Assert.Null(response.Headers.CacheControl);
    }

    [Theory]
    [InlineData("checkIn=2030-01-01")]
    [InlineData("checkIn=2030-01-05&checkOut=2030-01-01")]
    [InlineData("checkIn=2030-01-01&checkOut=2030-01-01")]
    [InlineData("checkIn=01/01/2030&checkOut=2030-01-03")]
    [InlineData("checkIn=2030-01-01&checkOut=2031-01-02")]
    [InlineData("checkIn=2030-01-01&checkIn=2030-01-02&checkOut=2030-01-03")]
    public async Task Bad_dates_answer_400(string query)
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 3, ct: ct);

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation}/availability?{query}");

        // Assert
        await response.AssertProblemAsync(400, ProblemTypes.Validation);
    }

    [Fact]
    public async Task A_malformed_accommodation_id_answers_400()
    {
        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, "/api/accommodations/123/availability?checkIn=2030-01-01&checkOut=2030-01-02");

        // Assert
        await response.AssertProblemAsync(400, ProblemTypes.Validation);
    }
}
