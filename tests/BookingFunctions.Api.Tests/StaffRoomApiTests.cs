using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// Rooms over HTTP: adding, listing, retiring (the room's future stays move in the same transaction, or a 409 names
/// the nights or the bookings in the way) and returning to service; bookings while a room retires on a future date.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class StaffRoomApiTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    private static string ItemPath(Guid accommodation, Guid item) => $"/api/accommodations/{accommodation}/items/{item}";

    [Fact]
    public async Task Staff_add_rooms_with_201_and_their_location_and_list_them_by_label()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 2);

        // Act
        using var second = await host.Client.SendAsync(HttpMethod.Post, $"/api/accommodations/{accommodation.Id}/items", Staff.Token, new { label = "R2" });
        var first = await host.Client.AddRoomAsync(accommodation.Id, "R1");
        using var list = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}/items", Staff.Token);
        using var read = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}", Staff.Token);

        // Assert
        await Staff.AssertStatusAsync(second, HttpStatusCode.Created);
        var r2 = await second.ReadAsync<ItemDto>();
        Assert.Equal(ItemPath(accommodation.Id, r2.Id), second.Headers.Location?.OriginalString);
        Assert.True(r2 is { Label: "R2", RetiredFrom: null, InService: true });
        var rooms = await list.ReadAsync<ItemListDto>();
        Assert.Equal([first.Id, r2.Id], rooms.Items.Select(i => i.Id));
        Assert.True((await read.ReadAsync<AccommodationDto>()) is { Rooms: 2, RoomsInService: 2 });
    }

    [Fact]
    public async Task A_repeated_label_is_a_409_so_a_retried_add_never_makes_a_second_room()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 2);
        await host.Client.AddRoomAsync(accommodation.Id, "R1");

        // Act
        using var again = await host.Client.SendAsync(HttpMethod.Post, $"/api/accommodations/{accommodation.Id}/items", Staff.Token, new { label = "R1" });
        using var list = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}/items", Staff.Token);

        // Assert
        var problem = await again.AssertProblemAsync(409, ProblemTypes.InventoryConflict);
        Assert.Equal("R1", problem.GetProperty("label").GetString());
        Assert.Single((await list.ReadAsync<ItemListDto>()).Items);
    }

    [Fact]
    public async Task Rooms_of_an_unlimited_accommodation_an_unknown_one_or_without_a_label_are_refused()
    {
        var unlimited = await host.Client.CreateAccommodationAsync(capacity: null);

        // Act
        using var toUnlimited = await host.Client.SendAsync(HttpMethod.Post, $"/api/accommodations/{unlimited.Id}/items", Staff.Token, new { label = "R1" });
        using var toUnknown = await host.Client.SendAsync(HttpMethod.Post, $"/api/accommodations/{Guid.NewGuid()}/items", Staff.Token, new { label = "R1" });
        using var listUnknown = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{Guid.NewGuid()}/items", Staff.Token);
        using var blank = await host.Client.SendAsync(HttpMethod.Post, $"/api/accommodations/{unlimited.Id}/items", Staff.Token, new { label = " " });

        // Assert
        await toUnlimited.AssertProblemAsync(409, ProblemTypes.InventoryConflict);
        await toUnknown.AssertProblemAsync(404, ProblemTypes.AccommodationNotFound);
        await listUnknown.AssertProblemAsync(404, ProblemTypes.AccommodationNotFound);
        var problem = await blank.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("label", out _));
    }

    [Fact]
    public async Task Retiring_a_room_moves_its_future_stay_to_a_free_room_in_the_same_call_and_says_so()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 2);
        var r1 = await host.Client.AddRoomAsync(accommodation.Id, "R1");
        var r2 = await host.Client.AddRoomAsync(accommodation.Id, "R2");
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 20, nights: 2);
        var booking = await host.Client.BookAsync(accommodation.Id, checkIn, checkOut);
        var room = await host.Client.AssignRoomAsync(booking.Id);
        var other = room == r1.Id ? r2.Id : r1.Id;

        // Act
        using var response = await host.Client.PatchAsync(ItemPath(accommodation.Id, room), $$"""{"retiredFrom":"{{Api.Date(checkIn)}}"}""");

        // Assert
        await Staff.AssertStatusAsync(response, HttpStatusCode.OK);
        var retired = await response.ReadAsync<ItemRetirementDto>();
        Assert.Equal((room, (DateOnly?)checkIn, true), (retired.Id, retired.RetiredFrom, retired.InService));
        Assert.Equal([new RoomMoveDto(booking.Id, room, other)], retired.Moved);
        using var board = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}/nights/{Api.Date(checkIn)}/bookings", Staff.Token);
        var onNight = Assert.Single((await board.ReadAsync<NightBoardDto>()).Bookings);
        Assert.Equal((booking.Id, (Guid?)other), (onNight.Id, onNight.ItemId));
        Assert.Equal(1, await MoveEventsAsync(booking.Id));
        Assert.Empty(await Arrange.DoubleBookingsAsync(host.Database, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Retiring_a_room_that_the_bookings_of_a_night_need_is_a_409_naming_that_night()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 2);
        var r1 = await host.Client.AddRoomAsync(accommodation.Id, "R1");
        await host.Client.AddRoomAsync(accommodation.Id, "R2");
        var (night, _) = Arrange.Stay(daysAhead: 25, nights: 1);
        await host.Client.BookAsync(accommodation.Id, night, night.AddDays(1));
        await host.Client.BookAsync(accommodation.Id, night, night.AddDays(1));

        // Act
        using var response = await host.Client.PatchAsync(ItemPath(accommodation.Id, r1.Id), $$"""{"retiredFrom":"{{Api.Date(night.AddDays(-3))}}"}""");

        // Assert
        var problem = await response.AssertProblemAsync(409, ProblemTypes.InventoryConflict);
        var nights = problem.GetProperty("nights").EnumerateArray().ToList();
        Assert.Equal((Api.Date(night), 2, 1),
            (Assert.Single(nights).GetProperty("night").GetString(), nights[0].GetProperty("booked").GetInt32(), nights[0].GetProperty("capacity").GetInt32()));
        using var list = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}/items", Staff.Token);
        Assert.All((await list.ReadAsync<ItemListDto>()).Items, i => Assert.Null(i.RetiredFrom));
    }

    [Fact]
    public async Task Retiring_the_room_of_a_stay_that_has_started_is_a_409_naming_that_booking_since_started_stays_never_move()
    {
        await PropertyClock.OnOneDateAsync("Pacific/Auckland", async today =>
        {
            var accommodation = await host.Client.CreateAccommodationAsync(capacity: 2, timeZone: "Pacific/Auckland");
            await host.Client.AddRoomAsync(accommodation.Id, "R1");
            await host.Client.AddRoomAsync(accommodation.Id, "R2");
            // check-in on the property's today: the stay counts as started
            var started = await host.Client.BookAsync(accommodation.Id, today, today.AddDays(3));
            var room = await host.Client.AssignRoomAsync(started.Id);

            // Act
            using var response = await host.Client.PatchAsync(ItemPath(accommodation.Id, room), $$"""{"retiredFrom":"{{Api.Date(today.AddDays(1))}}"}""");

            // Assert
            var problem = await response.AssertProblemAsync(409, ProblemTypes.InventoryConflict);
            var blocking = Assert.Single(problem.GetProperty("bookings").EnumerateArray().ToList());
            Assert.Equal((started.Id.ToString(), Api.Date(today), room.ToString()),
                (blocking.GetProperty("bookingId").GetString(), blocking.GetProperty("checkIn").GetString(), blocking.GetProperty("itemId").GetString()));
            Assert.Equal(0, await MoveEventsAsync(started.Id));
        });
    }

    [Fact]
    public async Task A_retired_room_returns_to_service_with_retiredFrom_null_and_the_change_is_idempotent()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 2);
        var r1 = await host.Client.AddRoomAsync(accommodation.Id, "R1");
        await host.Client.AddRoomAsync(accommodation.Id, "R2");
        var today = PropertyClock.TodayIn("UTC");

        // Act
        using var retired = await host.Client.PatchAsync(ItemPath(accommodation.Id, r1.Id), $$"""{"retiredFrom":"{{Api.Date(today)}}"}""");
        using var readRetired = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}", Staff.Token);
        using var returned = await host.Client.PatchAsync(ItemPath(accommodation.Id, r1.Id), """{"retiredFrom":null}""");
        using var again = await host.Client.PatchAsync(ItemPath(accommodation.Id, r1.Id), """{"retiredFrom":null}""", mediaType: "application/json");

        // Assert
        await Staff.AssertStatusAsync(retired, HttpStatusCode.OK);
        Assert.True((await readRetired.ReadAsync<AccommodationDto>()) is { Rooms: 2, RoomsInService: 1 });
        Assert.True((await returned.ReadAsync<ItemRetirementDto>()) is { RetiredFrom: null, InService: true, Moved.Count: 0 });
        await Staff.AssertStatusAsync(again, HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("{}", "retiredFrom")]
    [InlineData("""{"retiredFrom":"24.12.2026"}""", "retiredFrom")]
    [InlineData("""{"retiredFrom":"2026-12-24","label":"x"}""", "label")]
    public async Task A_retirement_body_without_a_date_or_null_is_a_400(string body, string field)
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 1);
        var room = await host.Client.AddRoomAsync(accommodation.Id, "R1");

        // Act
        using var response = await host.Client.PatchAsync(ItemPath(accommodation.Id, room.Id), body);

        // Assert
        var problem = await response.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Retiring_from_a_past_night_is_a_400_and_an_unknown_room_a_404()
    {
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 1);
        var room = await host.Client.AddRoomAsync(accommodation.Id, "R1");

        // Act
        using var past = await host.Client.PatchAsync(ItemPath(accommodation.Id, room.Id), $$"""{"retiredFrom":"{{Api.Date(Arrange.Today.AddDays(-3))}}"}""");
        using var unknown = await host.Client.PatchAsync(ItemPath(accommodation.Id, Guid.NewGuid()), """{"retiredFrom":null}""");
        using var malformed = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}/items/R1", """{"retiredFrom":null}""");

        // Assert
        await past.AssertProblemAsync(400, ProblemTypes.InvalidStay);
        await unknown.AssertProblemAsync(404, ProblemTypes.NotFound);
        var problem = await malformed.AssertProblemAsync(400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("itemId", out _));
    }

    [Fact]
    public async Task While_a_room_retires_on_a_future_date_concurrent_bookings_each_get_their_room_when_made()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 4);
        var rooms = new List<Guid>();
        for (var i = 1; i <= 4; i++)
        {
            rooms.Add((await host.Client.AddRoomAsync(accommodation.Id, $"R{i}")).Id);
        }

        var (checkIn, _) = Arrange.Stay(daysAhead: 30, nights: 1);
        using var retire = await host.Client.PatchAsync(ItemPath(accommodation.Id, rooms[3]), $$"""{"retiredFrom":"{{Api.Date(checkIn.AddDays(2))}}"}""");
        await Staff.AssertStatusAsync(retire, HttpStatusCode.OK);
        var random = new Random(12);
        var stays = Enumerable.Range(0, 24).Select(_ =>
        {
            var from = checkIn.AddDays(random.Next(0, 4));
            return (From: from, To: from.AddDays(random.Next(1, 3)));
        }).ToList();

        // Act
        var responses = await Task.WhenAll(stays.Select(s => host.Client.SendAsync(HttpMethod.Post, "/api/bookings", Staff.GuestToken(),
            Api.BookingBody(accommodation.Id, s.From, s.To, guests: 1))));

        // Assert
        try
        {
            var booked = new List<BookingDto>();
            foreach (var response in responses)
            {
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    booked.Add(await response.ReadAsync<BookingDto>());
                }
                else
                {
                    var problem = await response.ReadJsonAsync();
                    Assert.Contains(problem.GetProperty("type").GetString(), new[] { ProblemTypes.FullyBooked, ProblemTypes.NoRoomForStay });
                }
            }

            Assert.NotEmpty(booked);
            Assert.All(booked, b => Assert.NotNull(b.ItemId));
            Assert.All(booked.Where(b => b.CheckOut > checkIn.AddDays(2)), b => Assert.NotEqual(rooms[3], b.ItemId));
            Assert.Empty(await Arrange.DoubleBookingsAsync(host.Database, ct));
            TestContext.Current.TestOutputHelper?.WriteLine($"{booked.Count} of {stays.Count} booked, each with a room");
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    /// <summary>
    /// booking.plan_rooms re-plans the stays that have not started on every booking while a room retires later; it
    /// keeps the room a stay holds whenever that room still serves, so a new booking takes a free room and moves none.
    /// </summary>
    [Fact]
    public async Task While_a_room_retires_later_a_new_booking_moves_no_held_room_when_free_rooms_remain()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 10);
        var rooms = new List<Guid>();
        for (var i = 1; i <= 10; i++)
        {
            rooms.Add((await host.Client.AddRoomAsync(accommodation.Id, $"R{i:00}")).Id);
        }

        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 50, nights: 2);
        using var retire = await host.Client.PatchAsync(ItemPath(accommodation.Id, rooms[9]), $$"""{"retiredFrom":"{{Api.Date(checkOut.AddDays(8))}}"}""");
        await Staff.AssertStatusAsync(retire, HttpStatusCode.OK);

        // Act
        var booked = new List<BookingDto>();
        for (var i = 0; i < 8; i++)
        {
            booked.Add(await host.Client.BookAsync(accommodation.Id, checkIn, checkOut));
        }

        // Assert
        var moves = 0;
        foreach (var booking in booked)
        {
            moves += await MoveEventsAsync(booking.Id);
        }

        Assert.Equal(0, moves);
        Assert.Empty(await Arrange.DoubleBookingsAsync(host.Database, ct));
    }

    private async Task<int> MoveEventsAsync(Guid booking)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connection = await host.Database.Admin.OpenConnectionAsync(ct);
        return await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection, new Dapper.CommandDefinition(
            "select count(*) from booking.booking_events where booking_id = @booking and event = 'item_moved'", new { booking },
            cancellationToken: ct));
    }
}
