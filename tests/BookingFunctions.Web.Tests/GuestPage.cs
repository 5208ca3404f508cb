using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace BookingFunctions.Web.Tests;

/// <summary>What a guest does on web/index.html, in the page's own words (labels, buttons), so the tests read like use.</summary>
public sealed class GuestPage(IPage page)
{
    public IPage Page => page;

    public ILocator Message => page.Locator("#message");

    public ILocator MessageText => page.Locator("#message .message-text");

    public ILocator RetryNote => page.Locator("#retry-note");

    public ILocator Hold => page.Locator("#hold");

    public ILocator Countdown => page.Locator("#countdown");

    public ILocator BookButton => page.Locator("#book");

    public async Task OpenAndSignInAsync(string guest)
    {
        await page.GotoAsync("/");
        await page.GetByLabel("Name").FillAsync(guest);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in as guest" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("subject")).ToHaveTextAsync(guest);
        await Assertions.Expect(page.Locator("#booking-area")).ToBeVisibleAsync();
    }

    /// <summary>Chooses the room type and pages the calendar to the month of <paramref name="night"/>.</summary>
    public async Task ChooseAsync(Guid accommodationId, DateOnly night)
    {
        await page.GetByLabel("Room type").SelectOptionAsync(accommodationId.ToString());
        var calendar = page.Locator("#calendar");
        await Assertions.Expect(calendar).ToHaveAttributeAsync("data-month", new Regex(@"^\d{4}-\d{2}-01$"));
        var month = DateOnly.ParseExact(await calendar.GetAttributeAsync("data-month") ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var wanted = new DateOnly(night.Year, night.Month, 1);
        while (month < wanted)
        {
            month = month.AddMonths(1);
            await page.GetByRole(AriaRole.Button, new() { Name = "Next month" }).ClickAsync();
            await Assertions.Expect(calendar).ToHaveAttributeAsync("data-month", Iso(month));
        }

        await Assertions.Expect(Day(night)).ToBeVisibleAsync();
    }

    public ILocator Day(DateOnly night) => page.Locator($"#calendar button.day[data-night='{Iso(night)}']");

    /// <summary>The words a day cell shows under its date: "3 free", "Full", "Closed".</summary>
    public ILocator DayCount(DateOnly night) => Day(night).Locator(".count");

    /// <summary>First night, then last night, as the page asks.</summary>
    public async Task PickStayAsync(DateOnly firstNight, DateOnly lastNight)
    {
        await Day(firstNight).ClickAsync();
        if (lastNight != firstNight)
        {
            await Day(lastNight).ClickAsync();
        }

        var nights = lastNight.DayNumber - firstNight.DayNumber + 1;
        await Assertions.Expect(BookButton).ToHaveTextAsync($"Book {nights} {(nights == 1 ? "night" : "nights")}");
        await Assertions.Expect(BookButton).ToBeEnabledAsync();
    }

    public ILocator Fact(string term) => page.Locator($"#hold-facts dd[data-fact='{term}']");

    public Task ConfirmAsync() => page.GetByRole(AriaRole.Button, new() { Name = "Confirm booking" }).ClickAsync();

    public Task CancelAsync() => page.GetByRole(AriaRole.Button, new() { Name = "Cancel booking" }).ClickAsync();

    public ILocator MyBooking(Guid bookingId) => page.Locator($"#my-bookings tr[data-booking='{bookingId}']");

    public static string Iso(DateOnly night) => night.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
