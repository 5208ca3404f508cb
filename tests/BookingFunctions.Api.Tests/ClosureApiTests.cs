using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// Closures (stop-sell) over HTTP: a closed night refuses new bookings with its own problem type, availability,
/// calendar and search count it as 0, the bookings already on it stay and are reported to staff; removing reopens.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ClosureApiTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    private static string ClosuresPath(Guid accommodation) => $"/api/accommodations/{accommodation}/closures";

    [Fact]
    public async Task A_closed_night_refuses_bookings_shows_zero_everywhere_and_reopens_when_the_closure_is_removed()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 2);
        var (night, _) = Arrange.Stay(daysAhead: 40, nights: 1);
        var existing = await host.Client.BookAsync(accommodation.Id, night.AddDays(-1), night.AddDays(1));

        // Act
        using var closed = await host.Client.SendAsync(HttpMethod.Post, ClosuresPath(accommodation.Id), Staff.Token,
            new { from = Api.Date(night), to = Api.Date(night.AddDays(2)), reason = "Boiler replacement" });
        using var refused = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", Staff.GuestToken(),
            Api.BookingBody(accommodation.Id, night.AddDays(-2), night.AddDays(3)));
        using var availability = await host.Client.SendAsync(HttpMethod.Get,
            $"/api/accommodations/{accommodation.Id}/availability?checkIn={Api.Date(night.AddDays(1))}&checkOut={Api.Date(night.AddDays(2))}");
        using var calendar = await host.Client.SendAsync(HttpMethod.Get,
            $"/api/accommodations/{accommodation.Id}/calendar?from={Api.Date(night.AddDays(-1))}&to={Api.Date(night.AddDays(3))}", Staff.Token);
        using var search = await host.Client.SendAsync(HttpMethod.Get,
            $"/api/availability?checkIn={Api.Date(night)}&checkOut={Api.Date(night.AddDays(1))}&ids={accommodation.Id}", Staff.GuestToken());
        using var list = await host.Client.SendAsync(HttpMethod.Get, ClosuresPath(accommodation.Id), Staff.Token);

        // Assert
        await Staff.AssertStatusAsync(closed, HttpStatusCode.Created);
        var closure = await closed.ReadAsync<NewClosureDto>();
        Assert.Equal($"{ClosuresPath(accommodation.Id)}/{closure.Id}", closed.Headers.Location?.OriginalString);
        Assert.Equal((night, night.AddDays(2), "Boiler replacement", "staff-inventory-tests"), (closure.From, closure.To, closure.Reason, closure.CreatedBy));
        Assert.Equal([new ClosureBookingDto(existing.Id, existing.GuestId, existing.CheckIn, existing.CheckOut, "pending")], closure.Bookings);

        var problem = await refused.AssertProblemAsync(409, ProblemTypes.NightClosed);
        Assert.StartsWith($"This accommodation is closed on {Api.Date(night)}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(new AvailabilityDto(0, false), await availability.ReadAsync<AvailabilityDto>());
        Assert.Equal([(false, 1), (true, 0), (true, 0), (false, 2)],
            (await calendar.ReadAsync<CalendarDto>()).Nights.Select(n => (n.Closed, n.Available ?? -1)));
        Assert.Empty((await search.ReadAsync<PageDto<AvailableAccommodationDto>>()).Items);
        Assert.Equal([closure.Id], (await list.ReadAsync<ClosureListDto>()).Closures.Select(c => c.Id));
        Assert.Equal("pending", await Arrange.StatusAsync(host.Database, existing.Id, ct));

        // Act: reopen
        using var removed = await host.Client.SendAsync(HttpMethod.Delete, $"{ClosuresPath(accommodation.Id)}/{closure.Id}", Staff.Token);
        using var removedAgain = await host.Client.SendAsync(HttpMethod.Delete, $"{ClosuresPath(accommodation.Id)}/{closure.Id}", Staff.Token);
        var booked = await host.Client.BookAsync(accommodation.Id, night, night.AddDays(1));

        // Assert
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await removedAgain.AssertProblemAsync(404, ProblemTypes.NotFound);
        Assert.Equal(night, booked.CheckIn);
        Assert.Empty(await Arrange.DoubleBookingsAsync(host.Database, ct));
    }

    [Fact]
    public async Task An_unlimited_accommodation_closes_too()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: null);
        var (night, _) = Arrange.Stay(daysAhead: 45, nights: 1);
        using var closed = await host.Client.SendAsync(HttpMethod.Post, ClosuresPath(accommodation.Id), Staff.Token,
            new { from = Api.Date(night), to = Api.Date(night.AddDays(1)), reason = "Private event" });
        await Staff.AssertStatusAsync(closed, HttpStatusCode.Created);

        // Act
        using var refused = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", Staff.GuestToken(),
            Api.BookingBody(accommodation.Id, night, night.AddDays(2)));
        using var calendar = await host.Client.SendAsync(HttpMethod.Get,
            $"/api/accommodations/{accommodation.Id}/calendar?from={Api.Date(night)}&to={Api.Date(night.AddDays(2))}", Staff.Token);

        // Assert
        await refused.AssertProblemAsync(409, ProblemTypes.NightClosed);
        var nights = await calendar.ReadAsync<CalendarDto>();
        Assert.True(nights.Unlimited);
        Assert.Equal([(true, (int?)0), (false, null)], nights.Nights.Select(n => (n.Closed, n.Available)));
    }

    [Theory]
    [InlineData(0, 0, "Repairs", "to")]
    [InlineData(2, 1, "Repairs", "to")]
    [InlineData(1, 2, "", "reason")]
    [InlineData(1, 2, null, "reason")]
    public async Task An_invalid_closure_body_is_a_400_naming_the_field(int fromDays, int toDays, string? reason, string field)
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 1);

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Post, ClosuresPath(accommodation.Id), Staff.Token,
            new { from = Api.Date(Arrange.Today.AddDays(10 + fromDays)), to = Api.Date(Arrange.Today.AddDays(10 + toDays)), reason });

        // Assert
        var problem = await response.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_closure_in_the_past_is_refused_by_the_database_and_one_of_an_unknown_accommodation_is_a_404()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 1);
        var body = new { from = Api.Date(Arrange.Today.AddDays(-5)), to = Api.Date(Arrange.Today.AddDays(-3)), reason = "Too late" };

        // Act
        using var past = await host.Client.SendAsync(HttpMethod.Post, ClosuresPath(accommodation.Id), Staff.Token, body);
        using var unknown = await host.Client.SendAsync(HttpMethod.Post, ClosuresPath(Guid.NewGuid()), Staff.Token,
            new { from = Api.Date(Arrange.Today.AddDays(5)), to = Api.Date(Arrange.Today.AddDays(6)), reason = "x" });
        using var listUnknown = await host.Client.SendAsync(HttpMethod.Get, ClosuresPath(Guid.NewGuid()), Staff.Token);
        using var deleteUnknown = await host.Client.SendAsync(HttpMethod.Delete, $"{ClosuresPath(accommodation.Id)}/{Guid.NewGuid()}", Staff.Token);

        // Assert
        await past.AssertProblemAsync(400, ProblemTypes.InvalidStay);
        await unknown.AssertProblemAsync(404, ProblemTypes.AccommodationNotFound);
        await listUnknown.AssertProblemAsync(404, ProblemTypes.AccommodationNotFound);
        await deleteUnknown.AssertProblemAsync(404, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task The_closure_list_filters_by_from_and_is_empty_for_an_accommodation_without_closures()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 1);
        var empty = await host.Client.CreateAccommodationAsync(capacity: 1);
        var start = Arrange.Today.AddDays(50);
        foreach (var offset in new[] { 0, 10 })
        {
            using var added = await host.Client.SendAsync(HttpMethod.Post, ClosuresPath(accommodation.Id), Staff.Token,
                new { from = Api.Date(start.AddDays(offset)), to = Api.Date(start.AddDays(offset + 2)), reason = $"closure {offset}" });
            await Staff.AssertStatusAsync(added, HttpStatusCode.Created);
        }

        // Act
        using var all = await host.Client.SendAsync(HttpMethod.Get, ClosuresPath(accommodation.Id), Staff.Token);
        using var later = await host.Client.SendAsync(HttpMethod.Get, $"{ClosuresPath(accommodation.Id)}?from={Api.Date(start.AddDays(5))}", Staff.Token);
        using var none = await host.Client.SendAsync(HttpMethod.Get, ClosuresPath(empty.Id), Staff.Token);
        using var badFrom = await host.Client.SendAsync(HttpMethod.Get, $"{ClosuresPath(accommodation.Id)}?from=soon", Staff.Token);

        // Assert
        Assert.Equal(["closure 0", "closure 10"], (await all.ReadAsync<ClosureListDto>()).Closures.Select(c => c.Reason));
        Assert.Equal(["closure 10"], (await later.ReadAsync<ClosureListDto>()).Closures.Select(c => c.Reason));
        Assert.Empty((await none.ReadAsync<ClosureListDto>()).Closures);
        await badFrom.AssertProblemAsync(400, ProblemTypes.Validation);
    }
}
