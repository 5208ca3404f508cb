using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

/// <summary>GET /api/bookings: the caller's own bookings, newest first, in keyset pages.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class MyBookingsApiTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Fact]
    public async Task A_guest_lists_only_their_own_bookings_newest_first_page_by_page_with_an_opaque_cursor()
    {
        var accommodation = (await host.Client.CreateAccommodationAsync(capacity: 20)).Id;
        var mine = TestTokens.For(TestTokens.NewGuest());
        var theirs = TestTokens.For(TestTokens.NewGuest());
        var made = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            made.Add((await host.Client.BookAsync(accommodation, Arrange.Today.AddDays(10 + i), Arrange.Today.AddDays(11 + i), token: mine)).Id);
            await host.Client.BookAsync(accommodation, Arrange.Today.AddDays(10 + i), Arrange.Today.AddDays(11 + i), token: theirs);
        }

        using (var cancel = await host.Client.SendAsync(HttpMethod.Post, $"/api/bookings/{made[1]}/cancel", mine))
        {
            await Staff.AssertStatusAsync(cancel, HttpStatusCode.OK);
        }

        // Act: pages of two
        var listed = new List<JsonElement>();
        var pages = 0;
        string? cursor = null;
        do
        {
            using var response = await host.Client.SendAsync(HttpMethod.Get, $"/api/bookings?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}", mine);
            await Staff.AssertStatusAsync(response, HttpStatusCode.OK);
            var page = await response.ReadJsonAsync();
            listed.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        // Assert: exactly mine, newest first, the cancelled one as cancelled
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(made), listed.Select(b => b.GetProperty("id").GetGuid()));
        Assert.Equal("cancelled", listed.Single(b => b.GetProperty("id").GetGuid() == made[1]).GetProperty("status").GetString());
        Assert.All(listed.Where(b => b.GetProperty("id").GetGuid() != made[1]), b => Assert.Equal("pending", b.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_guest_without_bookings_gets_an_empty_page_and_a_staff_token_lists_only_its_own_subjects_bookings()
    {
        var accommodation = (await host.Client.CreateAccommodationAsync(capacity: 5)).Id;
        await host.Client.BookAsync(accommodation, Arrange.Today.AddDays(3), Arrange.Today.AddDays(4));
        var staff = TestTokens.For("staff-who-books-nothing", staff: true);

        // Act
        using var guestResponse = await host.Client.SendAsync(HttpMethod.Get, "/api/bookings", TestTokens.For(TestTokens.NewGuest()));
        using var staffResponse = await host.Client.SendAsync(HttpMethod.Get, "/api/bookings", staff);

        // Assert
        foreach (var response in new[] { guestResponse, staffResponse })
        {
            await Staff.AssertStatusAsync(response, HttpStatusCode.OK);
            var page = await response.ReadJsonAsync();
            Assert.Equal(0, page.GetProperty("items").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        }
    }

    [Theory]
    [InlineData("cursor=not-a-cursor")]
    [InlineData("cursor=")]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=2&limit=3")]
    public async Task A_cursor_this_list_did_not_return_or_a_bad_limit_is_a_400_validation_problem(string query)
    {
        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, $"/api/bookings?{query}", TestTokens.For(TestTokens.NewGuest()));

        // Assert
        await response.AssertProblemAsync(400, ProblemTypes.Validation);
    }

    [Fact]
    public async Task Listing_without_a_token_is_a_401_problem()
    {
        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, "/api/bookings");

        // Assert
        await response.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
    }
}
