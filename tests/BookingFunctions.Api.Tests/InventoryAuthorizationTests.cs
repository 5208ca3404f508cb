using System.Runtime.Versioning;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// Who may call which inventory route: every staff route answers a guest's token with 403 problem+json (and changes
/// nothing), every inventory route answers a missing token with 401; guests may read what is theirs to read.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class InventoryAuthorizationTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    private const string A = "{a}";
    private const string Item = "{item}";
    private const string Closure = "{closure}";

    // dates inside the bookable window (today to two years ahead), whenever the tests run
    private static readonly string Night = Api.Date(Arrange.Today.AddDays(60));
    private static readonly string NextNight = Api.Date(Arrange.Today.AddDays(61));
    private static readonly string WeekLater = Api.Date(Arrange.Today.AddDays(67));

    /// <summary>method, path (placeholders for a real accommodation, room and closure), body.</summary>
    private static readonly (string Method, string Path, string? Body)[] Staffs =
    [
        ("POST", "/api/accommodations", """{"name":"x","capacity":1,"maxGuests":1,"timeZone":"UTC"}"""),
        ("PATCH", $"/api/accommodations/{A}", """{"capacity":0}"""),
        ("GET", $"/api/accommodations/{A}/items", null),
        ("POST", $"/api/accommodations/{A}/items", """{"label":"guest room"}"""),
        ("PATCH", $"/api/accommodations/{A}/items/{Item}", """{"retiredFrom":null}"""),
        ("GET", $"/api/accommodations/{A}/closures", null),
        ("POST", $"/api/accommodations/{A}/closures", $$"""{"from":"{{Night}}","to":"{{NextNight}}","reason":"guest"}"""),
        ("DELETE", $"/api/accommodations/{A}/closures/{Closure}", null),
        ("GET", $"/api/accommodations/{A}/nights/{Night}/bookings", null),
    ];

    private static readonly (string Method, string Path, string? Body)[] GuestReadable =
    [
        ("GET", "/api/accommodations", null),
        ("GET", $"/api/accommodations/{A}", null),
        ("GET", $"/api/accommodations/{A}/calendar?from={Night}&to={WeekLater}", null),
        ("GET", $"/api/availability?checkIn={Night}&checkOut={NextNight}", null),
    ];

    public static TheoryData<string, string, string?> StaffRoutes() => Data(Staffs);

    public static TheoryData<string, string, string?> GuestReadableRoutes() => Data(GuestReadable);

    public static TheoryData<string, string, string?> AllRoutes() => Data([.. Staffs, .. GuestReadable]);

    private static TheoryData<string, string, string?> Data(IEnumerable<(string Method, string Path, string? Body)> routes)
    {
        var data = new TheoryData<string, string, string?>();
        foreach (var (method, path, body) in routes)
        {
            data.Add(method, path, body);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StaffRoutes))]
    public async Task A_guest_token_on_a_staff_route_is_a_403_problem_and_changes_nothing(string method, string path, string? body)
    {
        var (resolved, accommodation) = await ResolveAsync(path);

        // Act
        using var response = await host.Client.SendAsync(new HttpMethod(method), resolved, Staff.GuestToken(), body);

        // Assert
        await response.AssertProblemAsync(403, ProblemTypes.Forbidden);
        using var after = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}", Staff.Token);
        Assert.Equal(accommodation, await after.ReadAsync<AccommodationDto>());
        using var closures = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}/closures", Staff.Token);
        Assert.Single((await closures.ReadAsync<ClosureListDto>()).Closures);
        using var items = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}/items", Staff.Token);
        Assert.True((await items.ReadAsync<ItemListDto>()).Items is [{ Label: "R1", RetiredFrom: null }]);
    }

    [Theory]
    [MemberData(nameof(AllRoutes))]
    public async Task No_token_on_an_inventory_route_is_a_401_with_a_bearer_challenge(string method, string path, string? body)
    {
        var (resolved, _) = await ResolveAsync(path);

        // Act
        using var response = await host.Client.SendAsync(new HttpMethod(method), resolved, token: null, body);

        // Assert
        await response.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [MemberData(nameof(GuestReadableRoutes))]
    public async Task A_guest_token_may_read_accommodations_calendars_and_the_search(string method, string path, string? body)
    {
        var (resolved, _) = await ResolveAsync(path);

        // Act
        using var response = await host.Client.SendAsync(new HttpMethod(method), resolved, Staff.GuestToken(), body);

        // Assert
        await Staff.AssertStatusAsync(response, System.Net.HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("POST", "/api/accommodations")]
    [InlineData("PATCH", $"/api/accommodations/{A}")]
    [InlineData("POST", $"/api/accommodations/{A}/items")]
    [InlineData("PATCH", $"/api/accommodations/{A}/items/{Item}")]
    [InlineData("POST", $"/api/accommodations/{A}/closures")]
    public async Task A_staff_body_that_is_not_json_is_a_415(string method, string path)
    {
        var (resolved, _) = await ResolveAsync(path);
        using var request = new HttpRequestMessage(new HttpMethod(method), resolved)
        {
            Content = new StringContent("label=R9", System.Text.Encoding.UTF8, "text/plain"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Staff.Token);

        // Act
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        // Assert
        await response.AssertProblemAsync(415, ProblemTypes.UnsupportedMediaType);
    }

    /// <summary>A fresh accommodation with one room and one closure, and the path with their ids filled in.</summary>
    private async Task<(string Path, AccommodationDto Accommodation)> ResolveAsync(string path)
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 2);
        var room = await host.Client.AddRoomAsync(accommodation.Id, "R1");
        using var closure = await host.Client.SendAsync(HttpMethod.Post, $"/api/accommodations/{accommodation.Id}/closures", Staff.Token,
            new { from = Api.Date(Arrange.Today.AddDays(90)), to = Api.Date(Arrange.Today.AddDays(91)), reason = "fixture" });
        var closureId = (await closure.ReadAsync<ClosureDto>()).Id;
        using var read = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}", Staff.Token);
        return (path.Replace(A, accommodation.Id.ToString(), StringComparison.Ordinal)
                    .Replace(Item, room.Id.ToString(), StringComparison.Ordinal)
                    .Replace(Closure, closureId.ToString(), StringComparison.Ordinal),
                await read.ReadAsync<AccommodationDto>());
    }
}
