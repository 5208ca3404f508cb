using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using Microsoft.Playwright;

namespace BookingFunctions.Web.Tests;

/// <summary>The staff board in a real browser: the heat map against the API, closures seen by guests, capacity conflicts, the audit.</summary>
[UnsupportedOSPlatform("windows")]
[Collection(WebAppTests.Name)]
public sealed class StaffBoardTests(WebAppFixture app)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task Staff_close_a_night_on_the_board_and_the_open_guest_calendar_shows_it_closed_without_a_reload()
    {
        var accommodation = await app.CreateAccommodationAsync("Garden Loft", capacity: 2);
        var night = Nights.NextMonth(5);
        await using var guestSession = await app.NewSessionAsync();
        var guest = new GuestPage(guestSession.Page);
        await guest.OpenAndSignInAsync(Guest.Named("guest"));
        await guest.ChooseAsync(accommodation, night);
        await Assertions.Expect(guest.DayCount(night)).ToHaveTextAsync("2 free");
        await using var staffSession = await app.NewSessionAsync();
        var board = new StaffBoard(staffSession.Page);
        await board.OpenAndSignInAsync("front-desk");
        await board.ShowAsync(night.AddDays(-3), 14);

        // Act: select the night, close it (the form starts on the selected night)
        await board.Cell(accommodation, night).ClickAsync();
        await Assertions.Expect(staffSession.Page.GetByLabel("Last night")).ToHaveValueAsync(GuestPage.Iso(night));
        await staffSession.Page.GetByLabel("Reason").FillAsync("Burst pipe");
        await staffSession.Page.GetByRole(AriaRole.Button, new() { Name = "Close these nights" }).ClickAsync();

        // Assert: the board marks it in words, and the guest's open calendar follows by itself
        await Assertions.Expect(board.Shown(accommodation, night)).ToHaveTextAsync(["0/2", "Closed"]);
        await Assertions.Expect(board.MessageText).ToContainTextAsync("new bookings are refused");
        await Assertions.Expect(guest.DayCount(night)).ToHaveTextAsync("Closed", new() { Timeout = 90_000 });
        await Assertions.Expect(guest.Day(night)).ToBeDisabledAsync();
        await Assertions.Expect(guest.DayCount(night.AddDays(1))).ToHaveTextAsync("2 free");

        // Act: reopen it
        await staffSession.Page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Reopen .*Burst pipe$") }).ClickAsync();

        // Assert
        await Assertions.Expect(board.Shown(accommodation, night)).ToHaveTextAsync(["0/2"]);
        await Assertions.Expect(guest.DayCount(night)).ToHaveTextAsync("2 free", new() { Timeout = 90_000 });
    }

    [Fact]
    public async Task The_board_shows_for_every_room_type_and_night_the_booked_and_capacity_numbers_of_the_calendar_api()
    {
        var ct = TestContext.Current.CancellationToken;
        var hotel = await app.CreateAccommodationAsync("Harbour Double", capacity: 4);
        var dorm = await app.CreateAccommodationAsync("Beach Dorm (unlimited)", capacity: null);
        await app.BookAsync(hotel, Today.AddDays(1), Today.AddDays(4), Guest.Named("guest"));
        await app.BookAsync(hotel, Today.AddDays(2), Today.AddDays(3), Guest.Named("guest"));
        await app.BookAsync(dorm, Today.AddDays(2), Today.AddDays(5), Guest.Named("guest"));
        await app.CloseAsync(hotel, Today.AddDays(6), Today.AddDays(8), "Painting");

        await using var session = await app.NewSessionAsync(width: 1400, height: 900);
        var board = new StaffBoard(session.Page);
        await board.OpenAndSignInAsync("night-manager");

        // Act
        await board.ShowAsync(Today, 14);
        await Assertions.Expect(board.Shown(hotel, Today.AddDays(2))).ToHaveTextAsync(["2/4"]);
        await Assertions.Expect(board.Shown(hotel, Today.AddDays(6))).ToHaveTextAsync(["0/4", "Closed"]);
        await Assertions.Expect(board.Shown(dorm, Today.AddDays(3))).ToHaveTextAsync(["1/∞"]);

        // Assert: every cell of every row equals the staff calendar the API answers for the same nights
        var cells = await session.Page.EvaluateAsync<JsonElement>(StaffBoard.ReadAllCells);
        var rows = cells.EnumerateArray().GroupBy(c => Guid.Parse(c.GetProperty("id").GetString()!)).ToList();
        Assert.Contains(rows, r => r.Key == hotel);
        Assert.Contains(rows, r => r.Key == dorm);
        foreach (var row in rows)
        {
            var calendar = await app.Staff.GetFromJsonAsync<JsonElement>(
                $"/api/accommodations/{row.Key}/calendar?from={GuestPage.Iso(Today)}&to={GuestPage.Iso(Today.AddDays(14))}", ct);
            var unlimited = calendar.GetProperty("unlimited").GetBoolean();
            var expected = calendar.GetProperty("nights").EnumerateArray().ToDictionary(
                n => n.GetProperty("night").GetString()!,
                n => $"{n.GetProperty("booked").GetInt32()}/{(unlimited ? "∞" : n.GetProperty("capacity").GetInt32().ToString(CultureInfo.InvariantCulture))}"
                    + (n.GetProperty("closed").GetBoolean() ? "Closed" : ""));
            var shown = row.ToDictionary(c => c.GetProperty("night").GetString()!, c => c.GetProperty("text").GetString()!);
            Assert.Equal(expected, shown);
        }

        await Assertions.Expect(session.Page.GetByTestId("audit-verdict")).ToContainTextAsync("Clean");
        await board.Cell(hotel, Today.AddDays(2)).ClickAsync();
        await Assertions.Expect(session.Page.Locator("#night-bookings tbody tr")).ToHaveCountAsync(2);
        await session.Page.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotFolder, "staff-board.png"), FullPage = true });
    }

    [Fact]
    public async Task Lowering_the_capacity_below_a_nights_bookings_shows_the_409_detail_with_the_nights_in_the_way()
    {
        var accommodation = await app.CreateAccommodationAsync("Busy Twin", capacity: 3);
        var night = Today.AddDays(3);
        await app.BookAsync(accommodation, night, night.AddDays(1), Guest.Named("guest"));
        await app.BookAsync(accommodation, night, night.AddDays(1), Guest.Named("guest"));
        await using var session = await app.NewSessionAsync();
        var board = new StaffBoard(session.Page);
        await board.OpenAndSignInAsync("revenue-manager");
        await board.ShowAsync(Today, 7);
        await board.Cell(accommodation, night).ClickAsync();
        await Assertions.Expect(session.Page.Locator("#night-bookings tbody tr")).ToHaveCountAsync(2);

        // Act
        await session.Page.GetByLabel("Rooms on sale").FillAsync("1");
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Change capacity" }).ClickAsync();

        // Assert: the problem's detail, and the night in the way with its count; nothing changed
        await Assertions.Expect(board.MessageText).Not.ToBeEmptyAsync();
        var conflict = session.Page.GetByTestId("conflict-nights");
        await Assertions.Expect(conflict).ToContainTextAsync(LongDate(night) + ": 2 booked (1 rooms after the change)");
        await Assertions.Expect(board.Shown(accommodation, night)).ToHaveTextAsync(["2/3"]);
    }

    [Fact]
    public async Task The_board_works_at_phone_width_scrolling_the_nights_inside_the_table_not_the_page()
    {
        var accommodation = await app.CreateAccommodationAsync("Pocket Single", capacity: 2);
        await app.BookAsync(accommodation, Today.AddDays(1), Today.AddDays(3), Guest.Named("pedro"));
        await using var session = await app.NewSessionAsync(width: 390, height: 844);
        var board = new StaffBoard(session.Page);
        await board.OpenAndSignInAsync("night-porter");

        // Act
        await board.ShowAsync(Today, 7);
        await board.Cell(accommodation, Today.AddDays(1)).ClickAsync();

        // Assert
        await Assertions.Expect(session.Page.Locator("#night-bookings tbody tr")).ToHaveCountAsync(1);
        var scrollWidth = await session.Page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        var wide = await session.Page.EvaluateAsync<string>("[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 392 && !e.closest('.table-wrap')).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ':' + Math.round(e.getBoundingClientRect().right)).join(' | ')");
        Assert.True(scrollWidth <= 390, $"the page is {scrollWidth} px wide at a 390 px viewport: {wide}");
        await session.Page.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotFolder, "staff-board-390px.png"), FullPage = true });
    }

    [Fact]
    public async Task A_guest_token_on_the_board_is_told_the_board_is_for_staff()
    {
        await using var session = await app.NewSessionAsync();
        await session.Page.GotoAsync("/staff.html");
        await session.Page.GetByLabel("Name").FillAsync("curious-guest");

        // Act
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in as guest" }).ClickAsync();

        // Assert
        await Assertions.Expect(session.Page.Locator("#message")).ToContainTextAsync("This operation is for staff");
        await Assertions.Expect(session.Page.Locator("#message")).ToContainTextAsync("sign in as staff");
    }

    /// <summary>The long date the pages show (Chromium's en-GB): "Thursday, 3 December 2026".</summary>
    private static string LongDate(DateOnly night) =>
        $"{night.DayOfWeek}, {night.Day} {CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(night.Month)} {night.Year}";
}
