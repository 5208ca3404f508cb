using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

/// <summary>POST / GET / PATCH /api/accommodations over HTTP: what staff create and change, what guests may read.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class StaffAccommodationApiTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Fact]
    public async Task Staff_create_an_accommodation_and_get_201_with_its_location_and_inventory_facts()
    {
        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/accommodations", Staff.Token,
            new { name = "  Harbour Suite  ", capacity = 4, maxGuests = 3, timeZone = "Europe/Lisbon" });

        // Assert
        await Staff.AssertStatusAsync(response, HttpStatusCode.Created);
        var created = await response.ReadAsync<AccommodationDto>();
        Assert.Equal($"/api/accommodations/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(("Harbour Suite", 4, false, 3, "Europe/Lisbon", 0, 0), (created.Name, created.Capacity, created.Unlimited, created.MaxGuests,
            created.TimeZone, created.Rooms, created.RoomsInService));
        using var read = await host.Client.SendAsync(HttpMethod.Get, response.Headers.Location!.OriginalString, Staff.Token);
        Assert.Equal(created, await read.ReadAsync<AccommodationDto>());
    }

    [Fact]
    public async Task A_null_capacity_creates_an_unlimited_accommodation_but_a_missing_one_is_a_400()
    {
        // Act
        using var unlimited = await host.Client.SendAsync(HttpMethod.Post, "/api/accommodations", Staff.Token,
            """{"name":"Dorm","capacity":null,"maxGuests":1,"timeZone":"UTC"}""");
        using var missing = await host.Client.SendAsync(HttpMethod.Post, "/api/accommodations", Staff.Token,
            """{"name":"Dorm","maxGuests":1,"timeZone":"UTC"}""");

        // Assert
        await Staff.AssertStatusAsync(unlimited, HttpStatusCode.Created);
        Assert.True((await unlimited.ReadAsync<AccommodationDto>()) is { Capacity: null, Unlimited: true });
        var problem = await missing.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("capacity", out _));
    }

    [Theory]
    [InlineData("""{"name":"","capacity":1,"maxGuests":2,"timeZone":"UTC"}""", "name")]
    [InlineData("""{"name":"x","capacity":-1,"maxGuests":2,"timeZone":"UTC"}""", "capacity")]
    [InlineData("""{"name":"x","capacity":1,"maxGuests":0,"timeZone":"UTC"}""", "maxGuests")]
    [InlineData("""{"name":"x","capacity":1,"maxGuests":51,"timeZone":"UTC"}""", "maxGuests")]
    [InlineData("""{"name":"x","capacity":1,"maxGuests":2}""", "timeZone")]
    [InlineData("""{"name":"x","capacity":1,"maxGuests":2,"timeZone":"UTC","rooms":3}""", "rooms")]
    [InlineData("""{"name":"x","capacity":"1","maxGuests":2,"timeZone":"UTC"}""", "capacity")]
    public async Task An_invalid_create_body_is_a_400_naming_the_field(string body, string field)
    {
        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/accommodations", Staff.Token, body);

        // Assert
        var problem = await response.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_time_zone_postgresql_does_not_know_is_refused_by_the_database_as_an_invalid_argument()
    {
        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/accommodations", Staff.Token,
            new { name = "Olympus Mons Lodge", capacity = 1, maxGuests = 2, timeZone = "Mars/Olympus_Mons" });

        // Assert
        var problem = await response.AssertProblemAsync(400, ProblemTypes.InvalidArgument);
        Assert.Contains("IANA", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_create_body_that_is_not_json_is_a_415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/accommodations")
        {
            Content = new StringContent("name=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Staff.Token);

        // Act
        using var response = await host.Client.SendAsync(request, TestContext.Current.CancellationToken);

        // Assert
        await response.AssertProblemAsync(415, ProblemTypes.UnsupportedMediaType);
    }

    [Fact]
    public async Task The_list_pages_by_name_with_an_opaque_cursor_until_every_accommodation_was_seen_once()
    {
        var prefix = $"paging {Guid.NewGuid():N}";
        var created = new List<Guid>();
        foreach (var suffix in new[] { "e", "c", "a", "d", "b" })
        {
            created.Add((await host.Client.CreateAccommodationAsync(capacity: 1, name: $"{prefix} {suffix}")).Id);
        }

        // Act
        var seen = new List<AccommodationDto>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var path = cursor is null ? "/api/accommodations?limit=2" : $"/api/accommodations?limit=2&cursor={Uri.EscapeDataString(cursor)}";
            using var response = await host.Client.SendAsync(HttpMethod.Get, path, Staff.Token);
            await Staff.AssertStatusAsync(response, HttpStatusCode.OK);
            var page = await response.ReadAsync<PageDto<AccommodationDto>>();
            Assert.InRange(page.Items.Count, 1, 2);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null && pages < 100);

        // Assert
        Assert.Null(cursor);
        Assert.Equal(seen.Count, seen.Select(a => a.Id).Distinct().Count());
        Assert.Equal(seen.OrderBy(a => a.Name, StringComparer.Ordinal).ThenBy(a => a.Id).Select(a => a.Id), seen.Select(a => a.Id));
        var ours = seen.Where(a => a.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(a => a.Name[^1]).ToList();
        Assert.Equal(['a', 'b', 'c', 'd', 'e'], ours);
    }

    [Theory]
    [InlineData("cursor=not-a-cursor")]
    [InlineData("cursor=")]
    [InlineData("limit=0")]
    [InlineData("limit=101")]
    [InlineData("limit=ten")]
    public async Task A_bad_cursor_or_limit_is_a_400(string query)
    {
        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations?{query}", Staff.Token);

        // Assert
        await response.AssertProblemAsync(400, ProblemTypes.Validation);
    }

    [Fact]
    public async Task Guests_read_only_the_public_facts_of_an_accommodation_and_of_the_list()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 7, maxGuests: 2, timeZone: "Asia/Tokyo");
        var guest = Staff.GuestToken();

        // Act
        using var one = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}", guest);
        using var list = await host.Client.SendAsync(HttpMethod.Get, "/api/accommodations?limit=100", guest);

        // Assert
        var json = await one.ReadJsonAsync();
        Assert.Equal(["id", "maxGuests", "name", "timeZone"], json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal((accommodation.Name, 2, "Asia/Tokyo"),
            (json.GetProperty("name").GetString(), json.GetProperty("maxGuests").GetInt32(), json.GetProperty("timeZone").GetString()));
        var items = (await list.ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.False(i.TryGetProperty("capacity", out _)));
    }

    [Fact]
    public async Task An_unknown_or_malformed_accommodation_id_is_a_404_or_a_400()
    {
        // Act
        using var unknown = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{Guid.NewGuid()}", Staff.Token);
        using var malformed = await host.Client.SendAsync(HttpMethod.Get, "/api/accommodations/not-a-uuid", Staff.Token);
        using var patchUnknown = await host.Client.PatchAsync($"/api/accommodations/{Guid.NewGuid()}", """{"maxGuests":2}""");

        // Assert
        await unknown.AssertProblemAsync(404, ProblemTypes.AccommodationNotFound);
        await malformed.AssertProblemAsync(400, ProblemTypes.Validation);
        await patchUnknown.AssertProblemAsync(404, ProblemTypes.AccommodationNotFound);
    }

    [Fact]
    public async Task A_merge_patch_changes_only_the_members_it_names()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 5, maxGuests: 2, timeZone: "UTC");

        // Act
        using var response = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}",
            """{"maxGuests":3,"timeZone":"America/Los_Angeles"}""");

        // Assert
        await Staff.AssertStatusAsync(response, HttpStatusCode.OK);
        var changed = await response.ReadAsync<AccommodationDto>();
        Assert.Equal((accommodation.Name, 5, 3, "America/Los_Angeles"), (changed.Name, changed.Capacity, changed.MaxGuests, changed.TimeZone));
        Assert.True(changed.UpdatedAt >= accommodation.UpdatedAt);
    }

    [Fact]
    public async Task A_patch_with_capacity_null_makes_an_accommodation_without_bookings_unlimited_and_back()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 5);

        // Act
        using var toUnlimited = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}", """{"capacity":null}""",
            mediaType: "application/json");
        using var back = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}", """{"capacity":2}""");

        // Assert
        await Staff.AssertStatusAsync(toUnlimited, HttpStatusCode.OK);
        Assert.True((await toUnlimited.ReadAsync<AccommodationDto>()) is { Capacity: null, Unlimited: true });
        Assert.True((await back.ReadAsync<AccommodationDto>()) is { Capacity: 2, Unlimited: false });
    }

    [Theory]
    [InlineData("""{"name":null}""", "name")]
    [InlineData("""{"maxGuests":null}""", "maxGuests")]
    [InlineData("""{"timeZone":null}""", "timeZone")]
    [InlineData("""{"capacity":100001}""", "capacity")]
    [InlineData("""{"colour":"blue"}""", "colour")]
    public async Task A_patch_that_nulls_a_required_member_or_names_an_unknown_one_is_a_400(string body, string field)
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 1);

        // Act
        using var response = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}", body);

        // Assert
        var problem = await response.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Lowering_the_capacity_below_the_bookings_of_a_night_is_a_409_naming_that_night_and_its_counts()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 3);
        var (checkIn, _) = Arrange.Stay(daysAhead: 20, nights: 1);
        await host.Client.BookAsync(accommodation.Id, checkIn, checkIn.AddDays(2));
        await host.Client.BookAsync(accommodation.Id, checkIn, checkIn.AddDays(1));
        await host.Client.BookAsync(accommodation.Id, checkIn, checkIn.AddDays(1));

        // Act
        using var refused = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}", """{"capacity":2}""");
        using var fits = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}", """{"capacity":3}""");

        // Assert
        var problem = await refused.AssertProblemAsync(409, ProblemTypes.InventoryConflict);
        var nights = problem.GetProperty("nights").EnumerateArray().ToList();
        Assert.Single(nights);
        Assert.Equal((Api.Date(checkIn), 3, 2),
            (nights[0].GetProperty("night").GetString(), nights[0].GetProperty("booked").GetInt32(), nights[0].GetProperty("capacity").GetInt32()));
        Assert.Equal(1, problem.GetProperty("count").GetInt32());
        await Staff.AssertStatusAsync(fits, HttpStatusCode.OK);
        using var read = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}", Staff.Token);
        Assert.Equal(3, (await read.ReadAsync<AccommodationDto>()).Capacity);
        Assert.Empty(await Arrange.DoubleBookingsAsync(host.Database, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Every_change_is_an_inventory_event_with_the_staff_subject_as_actor()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 2);

        // Act
        using var patched = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}", """{"name":"Renamed"}""");

        // Assert
        await Staff.AssertStatusAsync(patched, HttpStatusCode.OK);
        await using var connection = await host.Database.Admin.OpenConnectionAsync(ct);
        var events = (await Dapper.SqlMapper.QueryAsync<(string, string)>(connection, new Dapper.CommandDefinition(
            "select event, actor from booking.inventory_events where accommodation_id = @Id order by id", new { accommodation.Id },
            cancellationToken: ct))).ToList();
        Assert.Equal([("accommodation_created", "staff-inventory-tests"), ("accommodation_changed", "staff-inventory-tests")], events);
    }
}
