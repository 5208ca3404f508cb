using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace BookingFunctions.Api.Tests;

/// <summary>The staff API as a back office calls it: tokens, and the calls the inventory tests arrange their data with.</summary>
internal static class Staff
{
    public static readonly string Token = TestTokens.For("staff-inventory-tests", staff: true);

    public static string GuestToken() => TestTokens.For(TestTokens.NewGuest());

    public static async Task<AccommodationDto> CreateAccommodationAsync(this HttpClient client, int? capacity, int maxGuests = 4,
        string timeZone = "UTC", string? name = null)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/api/accommodations", Token,
            new { name = name ?? $"test {Guid.NewGuid():N}", capacity, maxGuests, timeZone });
        await AssertStatusAsync(response, HttpStatusCode.Created);
        return await response.ReadAsync<AccommodationDto>();
    }

    public static async Task<ItemDto> AddRoomAsync(this HttpClient client, Guid accommodation, string label)
    {
        using var response = await client.SendAsync(HttpMethod.Post, $"/api/accommodations/{accommodation}/items", Token, new { label });
        await AssertStatusAsync(response, HttpStatusCode.Created);
        return await response.ReadAsync<ItemDto>();
    }

    /// <summary>Books over HTTP as a guest (a new one unless <paramref name="token"/> says otherwise); asserts 201.</summary>
    public static async Task<BookingDto> BookAsync(this HttpClient client, Guid accommodation, DateOnly checkIn, DateOnly checkOut, int guests = 1,
        string? token = null)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "/api/bookings", token ?? GuestToken(),
            Api.BookingBody(accommodation, checkIn, checkOut, guests));
        await AssertStatusAsync(response, HttpStatusCode.Created);
        return await response.ReadAsync<BookingDto>();
    }

    /// <summary>Gives the booking a room (as staff); asserts 200 and returns the room.</summary>
    public static async Task<Guid> AssignRoomAsync(this HttpClient client, Guid booking)
    {
        using var response = await client.SendAsync(HttpMethod.Post, $"/api/bookings/{booking}/item", Token);
        await AssertStatusAsync(response, HttpStatusCode.OK);
        return (await response.ReadAsync<ItemAssignmentDto>()).ItemId;
    }

    /// <summary>A PATCH with a raw JSON body and the given media type (merge-patch by default).</summary>
    public static async Task<HttpResponseMessage> PatchAsync(this HttpClient client, string path, string json, string? token = null,
        string mediaType = "application/merge-patch+json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path)
        {
            Content = new StringContent(json, Encoding.UTF8, mediaType),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static async Task AssertStatusAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            Assert.Fail($"expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
}

/// <summary>
/// A property's calendar date ("today" in its time zone), and a guard for tests that use it: should the property's
/// midnight pass while a test runs, the test runs once more on the new date instead of failing for the clock's sake.
/// </summary>
internal static class PropertyClock
{
    public static DateOnly TodayIn(string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeBySystemTimeZoneId(DateTime.UtcNow, timeZone));

    public static async Task OnOneDateAsync(string timeZone, Func<DateOnly, Task> test)
    {
        for (var attempt = 1; ; attempt++)
        {
            var today = TodayIn(timeZone);
            try
            {
                await test(today);
                return;
            }
            catch (Exception) when (attempt < 3 && TodayIn(timeZone) != today)
            {
                // the date changed under the test: run it again on the new one
            }
        }
    }
}
