using System.Runtime.Versioning;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace BookingFunctions.Web.Tests;

/// <summary>Both pages as axe-core (the accessibility rules engine) sees them, in the states people use them in.</summary>
[UnsupportedOSPlatform("windows")]
[Collection(WebAppTests.Name)]
public sealed class AccessibilityTests(WebAppFixture app)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task The_guest_page_with_a_calendar_a_hold_and_an_error_has_no_violations_axe_finds()
    {
        var accommodation = await app.CreateAccommodationAsync("Quiet Room", capacity: 1);
        var night = Nights.NextMonth(12);
        await app.BookAsync(accommodation, night.AddDays(2), night.AddDays(3), Guest.Named("early-bird"));
        await using var session = await app.NewSessionAsync();
        var page = new GuestPage(session.Page);
        await page.OpenAndSignInAsync(Guest.Named("screen-reader-user"));
        await page.ChooseAsync(accommodation, night);
        await page.PickStayAsync(night, night);
        await page.BookButton.ClickAsync();
        await Assertions.Expect(page.Fact("Status")).ToHaveTextAsync("Held, not confirmed yet");

        // Act
        var result = await session.Page.RunAxe();

        // Assert
        Assert.True(result.Violations.Length == 0, string.Join("\n", result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target))} ({v.Nodes.Length} elements)")));
    }

    [Fact]
    public async Task The_staff_board_with_a_selected_night_has_no_violations_axe_finds()
    {
        var accommodation = await app.CreateAccommodationAsync("Corner Twin", capacity: 2);
        var night = Today.AddDays(2);
        await app.BookAsync(accommodation, night, night.AddDays(1), Guest.Named("lena"));
        await using var session = await app.NewSessionAsync();
        var board = new StaffBoard(session.Page);
        await board.OpenAndSignInAsync("front-desk");
        await board.ShowAsync(Today, 7);
        await board.Cell(accommodation, night).ClickAsync();
        await Assertions.Expect(session.Page.Locator("#night-bookings tbody tr")).ToHaveCountAsync(1);

        // Act
        var result = await session.Page.RunAxe();

        // Assert
        Assert.True(result.Violations.Length == 0, string.Join("\n", result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Target))} ({v.Nodes.Length} elements)")));
    }
}
