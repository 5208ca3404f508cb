using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The booking rules that come from the accommodation: "in the past" is judged on the property's calendar (its time
/// zone, not UTC), and a room sleeps at most maxGuests.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class GuestRulesApiTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    // UTC+14 and UTC-11: at every hour of the UTC day their dates differ from UTC's, one ahead, one behind.
    private const string FarEast = "Pacific/Kiritimati";
    private const string FarWest = "Pacific/Pago_Pago";

    [Fact]
    public async Task East_of_utc_yesterday_at_the_property_is_in_the_past_even_when_it_is_today_in_utc()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 5, timeZone: FarEast);

        await PropertyClock.OnOneDateAsync(FarEast, async today =>
        {
            // Act
            using var yesterday = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", Staff.GuestToken(),
                Api.BookingBody(accommodation.Id, today.AddDays(-1), today.AddDays(1)));
            using var tonight = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", Staff.GuestToken(),
                Api.BookingBody(accommodation.Id, today, today.AddDays(1)));

            // Assert
            var problem = await yesterday.AssertProblemAsync(400, ProblemTypes.InvalidStay);
            Assert.Equal($"Check-in {Api.Date(today.AddDays(-1))} is in the past (it is {Api.Date(today)} at the property).",
                problem.GetProperty("detail").GetString());
            await Staff.AssertStatusAsync(tonight, HttpStatusCode.Created);
        });
    }

    [Fact]
    public async Task West_of_utc_the_property_books_its_own_today_even_when_utc_is_a_day_ahead()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 5, timeZone: FarWest);

        await PropertyClock.OnOneDateAsync(FarWest, async today =>
        {
            // Act
            using var tonight = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", Staff.GuestToken(),
                Api.BookingBody(accommodation.Id, today, today.AddDays(1)));
            using var yesterday = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", Staff.GuestToken(),
                Api.BookingBody(accommodation.Id, today.AddDays(-1), today.AddDays(1)));

            // Assert
            await Staff.AssertStatusAsync(tonight, HttpStatusCode.Created);
            // the property's yesterday is refused: by the database (in words of the property's calendar), or already by
            // the coarse UTC check when it is two days before UTC's today
            Assert.Equal(HttpStatusCode.BadRequest, yesterday.StatusCode);
            var type = (await yesterday.ReadJsonAsync()).GetProperty("type").GetString();
            Assert.Equal(today.AddDays(-1) < PropertyClock.TodayIn("UTC").AddDays(-1) ? ProblemTypes.Validation : ProblemTypes.InvalidStay, type);
        });
    }

    [Fact]
    public async Task The_calendar_date_of_the_property_decides_which_closures_may_start_today()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 5, timeZone: FarEast);

        await PropertyClock.OnOneDateAsync(FarEast, async today =>
        {
            // Act
            using var fromToday = await host.Client.SendAsync(HttpMethod.Post, $"/api/accommodations/{accommodation.Id}/closures", Staff.Token,
                new { from = Api.Date(today), to = Api.Date(today.AddDays(1)), reason = "Today at the property" });
            using var fromYesterday = await host.Client.SendAsync(HttpMethod.Post, $"/api/accommodations/{accommodation.Id}/closures", Staff.Token,
                new { from = Api.Date(today.AddDays(-1)), to = Api.Date(today.AddDays(1)), reason = "Yesterday at the property" });

            // Assert
            await Staff.AssertStatusAsync(fromToday, HttpStatusCode.Created);
            await fromYesterday.AssertProblemAsync(400, ProblemTypes.InvalidStay);
        });
    }

    [Fact]
    public async Task More_guests_than_a_room_sleeps_is_a_400_too_many_guests_on_the_guests_field()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 5, maxGuests: 2);
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 15, nights: 2);

        // Act
        using var three = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", Staff.GuestToken(),
            Api.BookingBody(accommodation.Id, checkIn, checkOut, guests: 3));
        var two = await host.Client.BookAsync(accommodation.Id, checkIn, checkOut, guests: 2);

        // Assert
        var problem = await three.AssertProblemAsync(400, ProblemTypes.TooManyGuests);
        Assert.Equal("A room of this type sleeps at most 2 guests.", problem.GetProperty("detail").GetString());
        Assert.Equal("A room of this type sleeps at most 2 guests.", problem.GetProperty("errors").GetProperty("guests")[0].GetString());
        Assert.Equal(2, two.Guests);
        Assert.Equal(1, await Arrange.BookingCountAsync(host.Database, accommodation.Id, ct));
    }

    [Fact]
    public async Task Lowering_maxGuests_applies_to_the_next_booking()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 5, maxGuests: 4);
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 16, nights: 1);
        using var patched = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}", """{"maxGuests":1}""");
        await Staff.AssertStatusAsync(patched, HttpStatusCode.OK);

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", Staff.GuestToken(),
            Api.BookingBody(accommodation.Id, checkIn, checkOut, guests: 2));

        // Assert
        var problem = await response.AssertProblemAsync(400, ProblemTypes.TooManyGuests);
        Assert.Equal("A room of this type sleeps one guest.", problem.GetProperty("detail").GetString());
    }
}
