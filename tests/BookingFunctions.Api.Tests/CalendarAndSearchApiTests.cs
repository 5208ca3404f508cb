using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The reads the front desk and the guest apps use: the per-night calendar (staff see counts, guests only what is
/// bookable), the staff board of one night, and the availability search across accommodations.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class CalendarAndSearchApiTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    private static string CalendarPath(Guid accommodation, DateOnly from, DateOnly to) =>
        $"/api/accommodations/{accommodation}/calendar?from={Api.Date(from)}&to={Api.Date(to)}";

    private static string SearchPath(DateOnly checkIn, DateOnly checkOut, int guests, IEnumerable<Guid> ids, string extra = "") =>
        $"/api/availability?checkIn={Api.Date(checkIn)}&checkOut={Api.Date(checkOut)}&guests={guests}&ids={string.Join(',', ids)}{extra}";

    [Fact]
    public async Task Staff_see_capacity_booked_available_and_closed_per_night()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 3);
        var (from, _) = Arrange.Stay(daysAhead: 30, nights: 1);
        await host.Client.BookAsync(accommodation.Id, from, from.AddDays(2));
        await host.Client.BookAsync(accommodation.Id, from.AddDays(1), from.AddDays(2));

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, CalendarPath(accommodation.Id, from, from.AddDays(3)), Staff.Token);

        // Assert
        await Staff.AssertStatusAsync(response, HttpStatusCode.OK);
        var calendar = await response.ReadAsync<CalendarDto>();
        Assert.Equal((accommodation.Id, from, from.AddDays(3), false), (calendar.AccommodationId, calendar.From, calendar.To, calendar.Unlimited));
        Assert.Equal(
            [
                new StaffNightDto(from, 3, 1, 2, false),
                new StaffNightDto(from.AddDays(1), 3, 2, 1, false),
                new StaffNightDto(from.AddDays(2), 3, 0, 3, false),
            ],
            calendar.Nights);
    }

    [Fact]
    public async Task Guests_see_only_night_available_and_closed()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 2);
        var (from, _) = Arrange.Stay(daysAhead: 31, nights: 1);
        await host.Client.BookAsync(accommodation.Id, from, from.AddDays(1));

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, CalendarPath(accommodation.Id, from, from.AddDays(2)), Staff.GuestToken());

        // Assert
        await Staff.AssertStatusAsync(response, HttpStatusCode.OK);
        var nights = (await response.ReadJsonAsync()).GetProperty("nights").EnumerateArray().ToList();
        Assert.All(nights, n => Assert.Equal(["available", "closed", "night"], n.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)));
        Assert.Equal([1, 2], nights.Select(n => n.GetProperty("available").GetInt32()));
    }

    [Theory]
    [InlineData("from=2030-01-01", "to")]
    [InlineData("from=2030-01-01&to=2030-01-01", "to")]
    [InlineData("from=2030-01-01&to=2031-01-03", "to")]
    [InlineData("from=01/01/2030&to=2030-01-03", "from")]
    public async Task A_calendar_range_that_is_missing_empty_longer_than_366_nights_or_not_iso_is_a_400(string query, string field)
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 1);

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}/calendar?{query}", Staff.Token);

        // Assert
        var problem = await response.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_calendar_of_366_nights_is_served_and_one_of_an_unknown_accommodation_is_a_404()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 1);
        var from = Arrange.Today;

        // Act
        using var year = await host.Client.SendAsync(HttpMethod.Get, CalendarPath(accommodation.Id, from, from.AddDays(366)), Staff.GuestToken());
        using var unknown = await host.Client.SendAsync(HttpMethod.Get, CalendarPath(Guid.NewGuid(), from, from.AddDays(1)), Staff.Token);

        // Assert
        await Staff.AssertStatusAsync(year, HttpStatusCode.OK);
        Assert.Equal(366, (await year.ReadJsonAsync()).GetProperty("nights").GetArrayLength());
        await unknown.AssertProblemAsync(404, ProblemTypes.AccommodationNotFound);
    }

    [Fact]
    public async Task The_night_board_lists_the_active_bookings_covering_that_night_with_their_rooms()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 3);
        var room = await host.Client.AddRoomAsync(accommodation.Id, "R1");
        await host.Client.AddRoomAsync(accommodation.Id, "R2");
        await host.Client.AddRoomAsync(accommodation.Id, "R3");
        var (night, _) = Arrange.Stay(daysAhead: 33, nights: 1);
        var across = await host.Client.BookAsync(accommodation.Id, night.AddDays(-1), night.AddDays(1), guests: 2);
        var onNight = await host.Client.BookAsync(accommodation.Id, night, night.AddDays(1));
        var before = await host.Client.BookAsync(accommodation.Id, night.AddDays(-1), night);
        var expired = await host.Client.BookAsync(accommodation.Id, night, night.AddDays(2));
        await Arrange.ExpireHoldAsync(host.Database, expired.Id, ct);
        var assigned = await host.Client.AssignRoomAsync(across.Id);

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}/nights/{Api.Date(night)}/bookings", Staff.Token);
        using var unknown = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{Guid.NewGuid()}/nights/{Api.Date(night)}/bookings", Staff.Token);
        using var badNight = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}/nights/tonight/bookings", Staff.Token);

        // Assert
        var board = await response.ReadAsync<NightBoardDto>();
        Assert.Equal(night, board.Night);
        Assert.Equal([across.Id, onNight.Id], board.Bookings.Select(b => b.Id));
        Assert.Equal((across.GuestId, 2, "pending", (Guid?)assigned), (board.Bookings[0].GuestId, board.Bookings[0].Guests, board.Bookings[0].Status, board.Bookings[0].ItemId));
        Assert.NotNull(board.Bookings[0].ItemLabel);
        Assert.DoesNotContain(board.Bookings, b => b.Id == before.Id || b.Id == expired.Id);
        Assert.NotEqual(Guid.Empty, room.Id);
        await unknown.AssertProblemAsync(404, ProblemTypes.AccommodationNotFound);
        await badNight.AssertProblemAsync(400, ProblemTypes.Validation);
    }

    [Fact]
    public async Task The_search_returns_only_accommodations_with_a_room_every_night_whose_rooms_sleep_the_guests()
    {
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 35, nights: 2);
        var roomy = await host.Client.CreateAccommodationAsync(capacity: 2, maxGuests: 4);
        var full = await host.Client.CreateAccommodationAsync(capacity: 1, maxGuests: 4);
        var small = await host.Client.CreateAccommodationAsync(capacity: 5, maxGuests: 2);
        var closed = await host.Client.CreateAccommodationAsync(capacity: 5, maxGuests: 6);
        var unlimited = await host.Client.CreateAccommodationAsync(capacity: null, maxGuests: 3);
        await host.Client.BookAsync(roomy.Id, checkIn, checkOut);
        await host.Client.BookAsync(full.Id, checkIn.AddDays(1), checkOut);
        using (var closure = await host.Client.SendAsync(HttpMethod.Post, $"/api/accommodations/{closed.Id}/closures", Staff.Token,
                   new { from = Api.Date(checkIn.AddDays(1)), to = Api.Date(checkOut), reason = "Painting" }))
        {
            await Staff.AssertStatusAsync(closure, HttpStatusCode.Created);
        }

        var ids = new[] { roomy.Id, full.Id, small.Id, closed.Id, unlimited.Id };

        // Act
        using var forThree = await host.Client.SendAsync(HttpMethod.Get, SearchPath(checkIn, checkOut, 3, ids), Staff.GuestToken());
        using var forTwo = await host.Client.SendAsync(HttpMethod.Get, SearchPath(checkIn, checkOut, 2, ids), Staff.GuestToken());

        // Assert
        await Staff.AssertStatusAsync(forThree, HttpStatusCode.OK);
        var three = (await forThree.ReadAsync<PageDto<AvailableAccommodationDto>>()).Items;
        Assert.Equal(new[] { roomy.Id, unlimited.Id }.Order(), three.Select(a => a.Id));
        Assert.Equal((1, false), (three.Single(a => a.Id == roomy.Id).Available ?? -1, three.Single(a => a.Id == roomy.Id).Unlimited));
        Assert.True(three.Single(a => a.Id == unlimited.Id) is { Available: null, Unlimited: true, MaxGuests: 3 });
        var two = (await forTwo.ReadAsync<PageDto<AvailableAccommodationDto>>()).Items;
        Assert.Equal(new[] { roomy.Id, small.Id, unlimited.Id }.Order(), two.Select(a => a.Id));
    }

    [Fact]
    public async Task The_search_pages_by_id_with_an_opaque_cursor()
    {
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 36, nights: 1);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await host.Client.CreateAccommodationAsync(capacity: 1)).Id);
        }

        // Act
        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var extra = "&limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            using var response = await host.Client.SendAsync(HttpMethod.Get, SearchPath(checkIn, checkOut, 1, ids, extra), Staff.GuestToken());
            await Staff.AssertStatusAsync(response, HttpStatusCode.OK);
            var page = await response.ReadAsync<PageDto<AvailableAccommodationDto>>();
            seen.AddRange(page.Items.Select(a => a.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 10);

        // Assert
        Assert.Equal(ids.Order(), seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("checkIn=2030-01-02&checkOut=2030-01-01", "checkOut")]
    [InlineData("checkOut=2030-01-01", "checkIn")]
    [InlineData("checkIn=2030-01-01&checkOut=2030-01-02&guests=0", "guests")]
    [InlineData("checkIn=2030-01-01&checkOut=2030-01-02&guests=51", "guests")]
    [InlineData("checkIn=2030-01-01&checkOut=2030-01-02&ids=abc", "ids")]
    [InlineData("checkIn=2030-01-01&checkOut=2030-01-02&ids=", "ids")]
    [InlineData("checkIn=2030-01-01&checkOut=2030-01-02&cursor=%%%", "cursor")]
    [InlineData("checkIn=2000-01-01&checkOut=2000-01-02", "checkIn")]
    public async Task A_bad_search_is_a_400_naming_the_parameter(string query, string field)
    {
        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, $"/api/availability?{query}", Staff.GuestToken());

        // Assert
        var problem = await response.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_search_naming_more_than_200_accommodations_is_a_400()
    {
        var ids = string.Join(',', Enumerable.Range(0, 201).Select(_ => Guid.NewGuid()));

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get,
            $"/api/availability?checkIn={Api.Date(Arrange.Today.AddDays(5))}&checkOut={Api.Date(Arrange.Today.AddDays(6))}&ids={ids}", Staff.GuestToken());

        // Assert
        var problem = await response.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("ids", out _));
    }
}
