using Microsoft.Playwright;

namespace BookingFunctions.Web.Tests;

/// <summary>What staff do on web/staff.html.</summary>
public sealed class StaffBoard(IPage page)
{
    public IPage Page => page;

    public ILocator MessageText => page.Locator("#message .message-text");

    public async Task OpenAndSignInAsync(string name)
    {
        await page.GotoAsync("/staff.html");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in as staff" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("subject")).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("#board tbody tr").First).ToBeVisibleAsync();
    }

    /// <summary>Shows <paramref name="nights"/> nights from <paramref name="from"/> (the page's own date field and selector).</summary>
    public async Task ShowAsync(DateOnly from, int nights)
    {
        await page.GetByLabel("Nights shown").SelectOptionAsync(nights.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("First night", new() { Exact = true }).First.FillAsync(GuestPage.Iso(from));
        await page.GetByLabel("First night", new() { Exact = true }).First.DispatchEventAsync("change");
        await Assertions.Expect(page.Locator("#board thead th")).ToHaveCountAsync(nights + 1);
    }

    public ILocator Cell(Guid accommodationId, DateOnly night) =>
        page.Locator($"#board button.cell[data-accommodation='{accommodationId}'][data-night='{GuestPage.Iso(night)}']");

    /// <summary>What a cell shows: "booked/on sale", then "Closed" on a closed night (its screen-reader words left out).</summary>
    public ILocator Shown(Guid accommodationId, DateOnly night) => Cell(accommodationId, night).Locator(".numbers, .tag");

    /// <summary>The script that reads what every cell shows, as {id, night, text}.</summary>
    public const string ReadAllCells =
        "[...document.querySelectorAll('#board button.cell')].map(c => ({ id: c.dataset.accommodation, night: c.dataset.night, " +
        "text: [...c.querySelectorAll('.numbers, .tag')].map(e => e.textContent).join('') }))";
}
