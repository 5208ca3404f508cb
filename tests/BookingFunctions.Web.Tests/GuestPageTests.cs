using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace BookingFunctions.Web.Tests;

/// <summary>The guest page in a real browser: booking, the hold, confirming, cancelling, races, retries.</summary>
[UnsupportedOSPlatform("windows")]
[Collection(WebAppTests.Name)]
public sealed partial class GuestPageTests(WebAppFixture app)
{
    [Fact]
    public async Task A_guest_books_sees_the_hold_count_down_confirms_and_cancels_and_the_calendar_follows()
    {
        var accommodation = await app.CreateAccommodationAsync("Sea View Suite", capacity: 3);
        var guest = Guest.Named("maria");
        var first = Nights.NextMonth(4);
        var last = first.AddDays(1);
        for (var i = 0; i < 3; i++)
        {
            await app.BookAsync(accommodation, first.AddDays(6), first.AddDays(7), Guest.Named("other"));
        }

        await app.BookAsync(accommodation, first.AddDays(7), first.AddDays(8), Guest.Named("other"));
        await app.CloseAsync(accommodation, first.AddDays(9), first.AddDays(11), "Repainting");
        await using var session = await app.NewSessionAsync();
        var page = new GuestPage(session.Page);
        await page.OpenAndSignInAsync(guest);
        await page.ChooseAsync(accommodation, first);
        await Assertions.Expect(page.DayCount(first)).ToHaveTextAsync("3 free");
        await Assertions.Expect(page.DayCount(first.AddDays(6))).ToHaveTextAsync("Full");
        await Assertions.Expect(page.DayCount(first.AddDays(7))).ToHaveTextAsync("2 free");
        await Assertions.Expect(page.DayCount(first.AddDays(9))).ToHaveTextAsync("Closed");

        // Act: book
        await page.PickStayAsync(first, last);
        await page.BookButton.ClickAsync();

        // Assert: held, with a countdown from the 15-minute hold, and in the database
        await Assertions.Expect(page.Fact("Status")).ToHaveTextAsync("Held, not confirmed yet");
        await Assertions.Expect(page.Countdown).ToHaveTextAsync(HoldCountdown());
        var booked = Assert.Single(await Bookings.OfGuestAsync(app.Database, guest));
        Assert.Equal("pending", booked.Status);
        await Assertions.Expect(page.Fact("Booking id")).ToHaveTextAsync(booked.Id.ToString());
        await Assertions.Expect(page.DayCount(first)).ToHaveTextAsync("2 free");
        await Assertions.Expect(page.MyBooking(booked.Id)).ToContainTextAsync("Held, not confirmed yet");
        await page.Page.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotFolder, "guest-page-hold.png"), FullPage = true });

        // Act: confirm
        await page.ConfirmAsync();

        // Assert
        await Assertions.Expect(page.Fact("Status")).ToHaveTextAsync("Confirmed");
        await Assertions.Expect(page.MessageText).ToContainTextAsync("Confirmed:");
        await Assertions.Expect(page.MyBooking(booked.Id)).ToContainTextAsync("Confirmed");
        Assert.Equal("confirmed", Assert.Single(await Bookings.OfGuestAsync(app.Database, guest)).Status);
        await page.Page.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotFolder, "guest-page.png"), FullPage = true });

        // Act: cancel
        await page.CancelAsync();

        // Assert: cancelled, and the room is free again on the calendar
        await Assertions.Expect(page.Fact("Status")).ToHaveTextAsync("Cancelled");
        await Assertions.Expect(page.MyBooking(booked.Id)).ToContainTextAsync("Cancelled");
        Assert.Equal("cancelled", Assert.Single(await Bookings.OfGuestAsync(app.Database, guest)).Status);
        await Assertions.Expect(page.DayCount(first)).ToHaveTextAsync("3 free");
        Assert.Empty(UnexpectedErrors(session));
    }

    [Fact]
    public async Task Two_browser_sessions_racing_for_the_last_room_book_exactly_one_and_the_other_is_shown_the_fully_booked_detail()
    {
        var accommodation = await app.CreateAccommodationAsync("Last Room", capacity: 1);
        var night = Nights.NextMonth(6);
        await using var one = await app.NewSessionAsync();
        await using var two = await app.NewSessionAsync();
        var pages = new[] { new GuestPage(one.Page), new GuestPage(two.Page) };
        var guests = new[] { Guest.Named("ana"), Guest.Named("rui") };
        for (var i = 0; i < 2; i++)
        {
            await pages[i].OpenAndSignInAsync(guests[i]);
            await pages[i].ChooseAsync(accommodation, night);
            await Assertions.Expect(pages[i].DayCount(night)).ToHaveTextAsync("1 free");
            await pages[i].PickStayAsync(night, night);
        }

        // Act: both press Book at the same moment
        await Task.WhenAll(pages.Select(p => p.BookButton.ClickAsync()));

        // Assert: each page settles on a hold or an error; exactly one hold
        var outcomes = await Task.WhenAll(pages.Select(SettledAsync));
        Assert.Equal(1, outcomes.Count(held => held));
        var loser = pages[Array.IndexOf(outcomes, false)];
        await Assertions.Expect(loser.MessageText).ToHaveTextAsync($"The only room is taken on {GuestPage.Iso(night)}.");
        await Assertions.Expect(loser.Message).ToContainTextAsync("Pick other dates");
        await Assertions.Expect(loser.DayCount(night)).ToHaveTextAsync("Full");
        Assert.Equal(1, await Bookings.ActiveOnNightAsync(app.Database, accommodation, night));
        var rows = (await Bookings.OfGuestAsync(app.Database, guests[0])).Count + (await Bookings.OfGuestAsync(app.Database, guests[1])).Count;
        Assert.Equal(1, rows);
    }

    [Fact]
    public async Task A_booking_whose_answers_are_dropped_and_is_pressed_again_and_a_double_click_each_make_exactly_one_booking()
    {
        var accommodation = await app.CreateAccommodationAsync("Flaky Wifi", capacity: 5);
        var guest = Guest.Named("guest");
        var night = Nights.NextMonth(8);
        await using var session = await app.NewSessionAsync();
        var page = new GuestPage(session.Page);
        await page.OpenAndSignInAsync(guest);
        await page.ChooseAsync(accommodation, night);
        await page.PickStayAsync(night, night);

        // the first five POSTs reach the server, which books, but their answers never reach the page
        var keys = new List<string>();
        var dropped = 0;
        await session.Page.RouteAsync("**/api/bookings", async route =>
        {
            if (route.Request.Method != "POST")
            {
                await route.ContinueAsync();
                return;
            }

            lock (keys)
            {
                keys.Add(route.Request.Headers["idempotency-key"]);
            }

            var response = await route.FetchAsync();
            if (Interlocked.Increment(ref dropped) <= 5)
            {
                await route.AbortAsync("connectionreset");
            }
            else
            {
                await route.FulfillAsync(new() { Response = response });
            }
        });

        // Act: press Book; the page retries by itself (same key) and then gives up, saying pressing again is safe
        await page.BookButton.ClickAsync();
        await Assertions.Expect(page.MessageText).ToHaveTextAsync("No answer from the booking service. Check your connection and try again.");
        await Assertions.Expect(page.Message).ToContainTextAsync("nothing happens twice");
        await page.BookButton.ClickAsync();

        // Assert: the sixth try gets the booking the first one made
        await Assertions.Expect(page.Fact("Status")).ToHaveTextAsync("Held, not confirmed yet");
        Assert.Equal(6, keys.Count);
        Assert.Single(keys.Distinct());
        var booked = Assert.Single(await Bookings.OfGuestAsync(app.Database, guest));
        Assert.Equal(keys[0], booked.Key);
        await Assertions.Expect(page.Fact("Booking id")).ToHaveTextAsync(booked.Id.ToString());

        // Act: another stay, booked with a double click
        await session.Page.UnrouteAllAsync();
        await page.PickStayAsync(night.AddDays(2), night.AddDays(2));
        await page.BookButton.DblClickAsync();

        // Assert: one more booking, not two
        await Assertions.Expect(page.Fact("Booking id")).Not.ToHaveTextAsync(booked.Id.ToString());
        await Assertions.Expect(page.BookButton).ToBeDisabledAsync(); // settled: no stay chosen any more
        Assert.Equal(2, (await Bookings.OfGuestAsync(app.Database, guest)).Count);
        Assert.Equal(1, await Bookings.ActiveOnNightAsync(app.Database, accommodation, night.AddDays(2)));
    }

    [Fact]
    public async Task A_busy_503_with_Retry_After_is_retried_by_the_page_with_a_visible_note_and_books_once()
    {
        var accommodation = await app.CreateAccommodationAsync("Busy Day", capacity: 2);
        var guest = Guest.Named("guest");
        var night = Nights.NextMonth(10);
        await using var session = await app.NewSessionAsync();
        var page = new GuestPage(session.Page);
        await page.OpenAndSignInAsync(guest);
        await page.ChooseAsync(accommodation, night);
        await page.PickStayAsync(night, night);

        // the first POST is answered as the API answers a lock timeout, without reaching it
        var posts = 0;
        await session.Page.RouteAsync("**/api/bookings", async route =>
        {
            if (route.Request.Method == "POST" && Interlocked.Increment(ref posts) == 1)
            {
                await route.FulfillAsync(new()
                {
                    Status = 503,
                    ContentType = "application/problem+json",
                    Headers = new Dictionary<string, string> { ["Retry-After"] = "3" },
                    Body = """{"type":"urn:bookingfunctions:problem:busy","title":"Busy","status":503,"detail":"The booking system is busy right now. Please try again in a moment."}""",
                });
                return;
            }

            await route.ContinueAsync();
        });

        // Act
        await page.BookButton.ClickAsync();

        // Assert: the note says what is happening, then the booking is made once
        await Assertions.Expect(page.RetryNote).ToBeVisibleAsync();
        await Assertions.Expect(page.RetryNote).ToContainTextAsync(BusyNote());
        await Assertions.Expect(page.Fact("Status")).ToHaveTextAsync("Held, not confirmed yet");
        await Assertions.Expect(page.RetryNote).ToBeHiddenAsync();
        Assert.Equal(2, posts);
        Assert.Single(await Bookings.OfGuestAsync(app.Database, guest));
    }

    [Fact]
    public async Task The_guest_page_works_at_phone_width()
    {
        var accommodation = await app.CreateAccommodationAsync("Phone Room", capacity: 4);
        var night = Nights.NextMonth(3);
        await using var session = await app.NewSessionAsync(width: 390, height: 844);
        var page = new GuestPage(session.Page);
        await page.OpenAndSignInAsync(Guest.Named("guest"));
        await page.ChooseAsync(accommodation, night);

        // Act
        await page.PickStayAsync(night, night.AddDays(1));
        await page.BookButton.ClickAsync();

        // Assert: booked, and nothing wider than the screen (no sideways scrolling)
        await Assertions.Expect(page.Fact("Status")).ToHaveTextAsync("Held, not confirmed yet");
        var scrollWidth = await session.Page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 390, $"the page is {scrollWidth} px wide at a 390 px viewport");
        await session.Page.ScreenshotAsync(new() { Path = Path.Combine(app.ScreenshotFolder, "guest-page-390px.png"), FullPage = true });
        Assert.Empty(UnexpectedErrors(session));
    }

    /// <summary>True when the page shows a hold, false when it shows an error; waits for one of them.</summary>
    private static async Task<bool> SettledAsync(GuestPage page)
    {
        await Assertions.Expect(page.Page.Locator("#hold:not([hidden]), #message.message-error")).ToHaveCountAsync(1);
        return await page.Hold.IsVisibleAsync();
    }

    /// <summary>Errors other than the failed loads Chromium logs for every 4xx/5xx or dropped request.</summary>
    private static List<string> UnexpectedErrors(BrowserSession session) =>
        session.Errors.Where(e => !e.Contains("Failed to load resource", StringComparison.Ordinal)).ToList();

    [GeneratedRegex(@"^Hold expires in 1[0-5]:\d\d")]
    private static partial Regex HoldCountdown();

    [GeneratedRegex(@"The booking service is busy: retrying in \d+ s \(try 1 of 4\)")]
    private static partial Regex BusyNote();
}
