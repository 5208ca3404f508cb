using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;
using Dapper;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// Confirmations that come after the hold expired (issue 13): the booking keeps its room when every night still has
/// one (200, "lateConfirmation": true, recorded in the event log), and is refused 409 hold-expired when someone else
/// took it; a group is confirmed late whole or not at all; late confirmers racing new bookers never get more rooms
/// than there are.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class LateConfirmationTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    private TestDatabase Db => host.Database;

    [Fact]
    public async Task A_hold_confirmed_after_it_expired_keeps_the_still_free_room_and_says_lateConfirmation_true()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 1, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 30);
        var token = TestTokens.For(TestTokens.NewGuest());
        var booking = await BookAsync(token, accommodation, checkIn, checkOut);
        await Arrange.ExpireHoldAsync(Db, booking.Id, ct);

        // Act
        using var confirm = await host.Client.SendAsync(HttpMethod.Post, $"/api/bookings/{booking.Id}/confirm", token);
        using var again = await host.Client.SendAsync(HttpMethod.Post, $"/api/bookings/{booking.Id}/confirm", token);
        using var other = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(accommodation, checkIn, checkOut));

        // Assert
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Equal(("confirmed", (bool?)true), Shown(await confirm.ReadAsync<BookingDto>()));
        Assert.Equal(("confirmed", (bool?)false), Shown(await again.ReadAsync<BookingDto>()));
        await other.AssertProblemAsync(409, ProblemTypes.FullyBooked);
        Assert.Equal(["{\"late\": true}"], await LateEventsAsync(booking.Id, ct));
        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    [Fact]
    public async Task A_hold_the_monitor_already_released_is_confirmed_late_and_takes_its_nights_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 1, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 35);
        var token = TestTokens.For(TestTokens.NewGuest());
        var booking = await BookAsync(token, accommodation, checkIn, checkOut);
        await Arrange.ExpireHoldAsync(Db, booking.Id, ct);
        await ReleaseStaleHoldsAsync(ct);
        var availability = $"/api/accommodations/{accommodation}/availability?checkIn={Api.Date(checkIn)}&checkOut={Api.Date(checkOut)}";
        using var released = await host.Client.SendAsync(HttpMethod.Get, availability);
        Assert.Equal(new AvailabilityDto(1, false), await released.ReadAsync<AvailabilityDto>());

        // Act
        using var confirm = await host.Client.SendAsync(HttpMethod.Post, $"/api/bookings/{booking.Id}/confirm", token);
        using var after = await host.Client.SendAsync(HttpMethod.Get, availability);

        // Assert
        Assert.Equal(("confirmed", (bool?)true), Shown(await confirm.ReadAsync<BookingDto>()));
        Assert.Equal(new AvailabilityDto(0, false), await after.ReadAsync<AvailabilityDto>());
        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    [Fact]
    public async Task A_late_confirmation_is_refused_409_hold_expired_naming_the_night_when_another_guest_took_the_room()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 1, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 40, nights: 3);
        var token = TestTokens.For(TestTokens.NewGuest());
        var booking = await BookAsync(token, accommodation, checkIn, checkOut);
        await Arrange.ExpireHoldAsync(Db, booking.Id, ct);
        var taken = await BookAsync(TestTokens.For(TestTokens.NewGuest()), accommodation, checkIn.AddDays(1), checkOut);

        // Act
        using var confirm = await host.Client.SendAsync(HttpMethod.Post, $"/api/bookings/{booking.Id}/confirm", token);

        // Assert
        var problem = await confirm.AssertProblemAsync(409, ProblemTypes.HoldExpired);
        Assert.Contains($"the room was taken on {Api.Date(checkIn.AddDays(1))}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("expired", await Arrange.StatusAsync(Db, booking.Id, ct));
        Assert.Equal("pending", await Arrange.StatusAsync(Db, taken.Id, ct));
        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    [Fact]
    public async Task A_group_whose_holds_expired_is_confirmed_late_whole_and_one_with_a_room_gone_confirms_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var doubles = await Arrange.AccommodationAsync(Db, rooms: 3, ct: ct);
        var single = await Arrange.AccommodationAsync(Db, rooms: 1, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 45);
        var (laterIn, laterOut) = Arrange.Stay(daysAhead: 50);
        var token = TestTokens.For(TestTokens.NewGuest());
        var free = await GroupAsync(token, (doubles, checkIn, checkOut), (single, checkIn, checkOut));
        var contested = await GroupAsync(token, (doubles, laterIn, laterOut), (single, laterIn, laterOut));
        foreach (var booking in free.Bookings.Concat(contested.Bookings))
        {
            await Arrange.ExpireHoldAsync(Db, booking.Id, ct);
        }

        await BookAsync(TestTokens.For(TestTokens.NewGuest()), single, laterIn, laterOut);

        // Act
        using var confirmFree = await host.Client.SendAsync(HttpMethod.Post, $"/api/booking-groups/{free.GroupId}/confirm", token);
        using var confirmContested = await host.Client.SendAsync(HttpMethod.Post, $"/api/booking-groups/{contested.GroupId}/confirm", token);

        // Assert
        Assert.Equal(HttpStatusCode.OK, confirmFree.StatusCode);
        Assert.All((await confirmFree.ReadAsync<BookingGroupDto>()).Bookings, b => Assert.Equal(("confirmed", (bool?)true), Shown(b)));
        await confirmContested.AssertProblemAsync(409, ProblemTypes.HoldExpired);
        foreach (var booking in contested.Bookings)
        {
            Assert.NotEqual("confirmed", await Arrange.StatusAsync(Db, booking.Id, ct));
        }

        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    [Fact]
    public async Task Ten_late_confirmations_racing_twenty_new_bookers_for_ten_rooms_end_with_exactly_ten_winners()
    {
        var ct = TestContext.Current.CancellationToken;
        const int Rooms = 10;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: Rooms, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 60, nights: 1);
        var holders = Enumerable.Range(0, Rooms).Select(_ => TestTokens.NewGuest()).ToList();
        var holds = new List<Guid>();
        foreach (var holder in holders)
        {
            var hold = await Arrange.BookingAsync(Db, accommodation, checkIn, checkOut, holder, ct);
            await Arrange.ExpireHoldAsync(Db, hold, ct);
            holds.Add(hold);
        }

        using var start = new SemaphoreSlim(0);
        var confirms = holds.Select((hold, i) => Send(HttpMethod.Post, $"/api/bookings/{hold}/confirm", TestTokens.For(holders[i]), null)).ToList();
        var bookers = Enumerable.Range(0, 2 * Rooms)
            .Select(_ => Send(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()), Api.BookingBody(accommodation, checkIn, checkOut)))
            .ToList();

        async Task<(HttpStatusCode Status, string Body)> Send(HttpMethod method, string path, string token, object? body)
        {
            await start.WaitAsync(ct);
            using var response = await host.Client.SendAsync(method, path, token, body);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }

        // Act
        start.Release(confirms.Count + bookers.Count);
        var confirmed = await Task.WhenAll(confirms);
        var booked = await Task.WhenAll(bookers);

        // Assert
        Assert.All(confirmed, r => Assert.True(r.Status is HttpStatusCode.OK || (r.Status is HttpStatusCode.Conflict && r.Body.Contains(ProblemTypes.HoldExpired, StringComparison.Ordinal)), $"{r.Status}: {r.Body}"));
        Assert.All(booked, r => Assert.True(r.Status is HttpStatusCode.Created || (r.Status is HttpStatusCode.Conflict && r.Body.Contains(ProblemTypes.FullyBooked, StringComparison.Ordinal)), $"{r.Status}: {r.Body}"));
        var winners = confirmed.Count(r => r.Status == HttpStatusCode.OK) + booked.Count(r => r.Status == HttpStatusCode.Created);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{confirmed.Count(r => r.Status == HttpStatusCode.OK)} late confirmations and {booked.Count(r => r.Status == HttpStatusCode.Created)} new bookings won the {Rooms} rooms");
        // every loser met a full night, and nothing gave a room back during the race, so the rooms ended all taken
        Assert.Equal(Rooms, winners);
        Assert.Equal(Rooms, await ActiveBookingsAsync(accommodation, ct));
        Assert.Empty(await Arrange.DoubleBookingsAsync(Db, ct));
    }

    private static (string Status, bool? Late) Shown(BookingDto booking) => (booking.Status, booking.LateConfirmation);

    private async Task<BookingDto> BookAsync(string token, Guid accommodation, DateOnly checkIn, DateOnly checkOut)
    {
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadAsync<BookingDto>();
    }

    private async Task<BookingGroupDto> GroupAsync(string token, params (Guid, DateOnly, DateOnly)[] rooms)
    {
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.GroupBody(rooms));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadAsync<BookingGroupDto>();
    }

    private async Task<List<string>> LateEventsAsync(Guid booking, CancellationToken ct)
    {
        await using var connection = await Db.Admin.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(
            "select jsonb_build_object('late', detail -> 'late')::text from booking.booking_events where booking_id = @booking and event = 'confirmed'",
            new { booking }, cancellationToken: ct))).ToList();
    }

    private async Task ReleaseStaleHoldsAsync(CancellationToken ct)
    {
        await using var connection = await Db.Admin.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("select expire_stale_holds()", cancellationToken: ct));
    }

    private async Task<int> ActiveBookingsAsync(Guid accommodation, CancellationToken ct)
    {
        await using var connection = await Db.Admin.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            select count(*) from booking.bookings
             where accommodation_id = @accommodation and (status = 'confirmed' or (status = 'pending' and hold_expires_at > now()))
            """, new { accommodation }, cancellationToken: ct));
    }
}
