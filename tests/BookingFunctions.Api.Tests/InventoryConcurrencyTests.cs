using System.Collections.Concurrent;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using BookingFunctions.Errors;
using Dapper;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// Inventory changes racing bookings over HTTP: whatever the interleaving, no night ends over its capacity or over the
/// rooms in service (recounted from booking.bookings, as the reliability suite's Invariants does), and every request
/// gets one of its documented answers.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class InventoryConcurrencyTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    private const int Bookers = 60;

    /// <summary>The capacities staff set one after another while the bookers race (the last one raises it again).</summary>
    private static readonly int[] Capacities = [30, 20, 12, 25];

    private sealed record Stay(Guid Id, DateOnly CheckIn, DateOnly CheckOut, Guid? ItemId);

    [Fact]
    public async Task Capacity_lowered_while_60_http_bookers_race_on_the_same_nights_leaves_no_night_over_capacity()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 40);
        var (first, _) = Arrange.Stay(daysAhead: 70, nights: 1);
        var stays = RandomStays(first, nights: 4, seed: 70);
        await WarmUpAsync(accommodation.Id, first);

        // Act: the bookers and one staff member lowering the capacity step by step, released together
        using var start = new SemaphoreSlim(0);
        var bookings = stays.Select(async s =>
        {
            await start.WaitAsync(ct);
            using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", Staff.GuestToken(),
                Api.BookingBody(accommodation.Id, s.From, s.To, guests: 1));
            return await AnswerAsync(response);
        }).ToList();
        var patches = Task.Run(async () =>
        {
            await start.WaitAsync(ct);
            var answers = new List<(int Capacity, Answer Answer)>();
            foreach (var capacity in Capacities)
            {
                using var response = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}", $$"""{"capacity":{{capacity}}}""");
                answers.Add((capacity, await AnswerAsync(response)));
            }

            return answers;
        }, ct);
        start.Release(stays.Count + 1);
        var booked = await Task.WhenAll(bookings);
        var changed = await patches;

        // Assert: documented answers only
        Assert.All(booked, a => Assert.True(a.Status == 201
            || (a.Status == 409 && a.Type == ProblemTypes.FullyBooked) || (a.Status == 503 && a.Type == ProblemTypes.Busy), a.ToString()));
        Assert.All(changed, c => Assert.True(c.Answer.Status == 200
            || (c.Answer.Status == 409 && c.Answer.Type == ProblemTypes.InventoryConflict) || (c.Answer.Status == 503 && c.Answer.Type == ProblemTypes.Busy),
            c.ToString()));
        foreach (var (capacity, answer) in changed.Where(c => c.Answer.Status == 409))
        {
            // a refusal names the nights that held more bookings than the capacity asked for
            var nights = answer.Problem!.Value.GetProperty("nights").EnumerateArray().ToList();
            Assert.NotEmpty(nights);
            Assert.All(nights, n => Assert.True(n.GetProperty("booked").GetInt32() > capacity && n.GetProperty("capacity").GetInt32() == capacity));
        }

        // Assert: the recount, against the capacity that stands
        var final = await CapacityAsync(accommodation.Id);
        var lastAccepted = changed.LastOrDefault(c => c.Answer.Status == 200).Capacity;
        Assert.Equal(lastAccepted == 0 ? 40 : lastAccepted, final);
        var active = await ActiveStaysAsync(accommodation.Id, ct);
        var perNight = PerNight(active);
        Assert.All(perNight, n => Assert.True(n.Value <= final, $"{n.Key}: {n.Value} bookings for {final} rooms"));
        Assert.Equal(booked.Count(a => a.Status == 201), active.Count);
        Assert.Empty(await Arrange.DoubleBookingsAsync(host.Database, ct));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{active.Count} of {Bookers} booked; capacity changes {string.Join(", ", changed.Select(c => $"{c.Capacity}:{c.Answer.Status}"))}; " +
            $"busiest night {perNight.Values.DefaultIfEmpty(0).Max()} of {final}");

        // Act: just below the busiest night, then exactly at it
        var busiest = perNight.Values.Max();
        using var below = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}", $$"""{"capacity":{{busiest - 1}}}""");
        using var exact = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}", $$"""{"capacity":{{busiest}}}""");

        // Assert: the 409 names exactly the busiest nights, with the recounted bookings
        var problem = await below.AssertProblemAsync(409, ProblemTypes.InventoryConflict);
        var named = problem.GetProperty("nights").EnumerateArray()
            .Select(n => (DateOnly.Parse(n.GetProperty("night").GetString()!, System.Globalization.CultureInfo.InvariantCulture), n.GetProperty("booked").GetInt32()))
            .ToList();
        Assert.Equal(perNight.Where(n => n.Value == busiest).Select(n => (n.Key, n.Value)).OrderBy(n => n.Key), named);
        await Staff.AssertStatusAsync(exact, HttpStatusCode.OK);
        Assert.Equal(busiest, await CapacityAsync(accommodation.Id));
    }

    [Fact]
    public async Task A_room_retired_while_60_http_bookers_race_leaves_every_booking_a_room_in_service_and_no_night_over_the_rooms()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await host.Client.CreateAccommodationAsync(capacity: 8);
        var rooms = new List<ItemDto>();
        for (var i = 1; i <= 8; i++)
        {
            rooms.Add(await host.Client.AddRoomAsync(accommodation.Id, $"R{i}"));
        }

        var (first, _) = Arrange.Stay(daysAhead: 80, nights: 1);
        var stays = RandomStays(first, nights: 4, seed: 80);
        await WarmUpAsync(accommodation.Id, first);

        // Act: bookers, and staff retiring two rooms from nights inside the raced range
        using var start = new SemaphoreSlim(0);
        var bookings = stays.Select(async s =>
        {
            await start.WaitAsync(ct);
            using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", Staff.GuestToken(),
                Api.BookingBody(accommodation.Id, s.From, s.To, guests: 1));
            return await AnswerAsync(response);
        }).ToList();
        var retirements = Task.Run(async () =>
        {
            await start.WaitAsync(ct);
            var answers = new List<Answer>();
            foreach (var (room, from) in new[] { (rooms[7], first.AddDays(2)), (rooms[6], first.AddDays(1)) })
            {
                using var response = await host.Client.PatchAsync($"/api/accommodations/{accommodation.Id}/items/{room.Id}",
                    $$"""{"retiredFrom":"{{Api.Date(from)}}"}""");
                answers.Add(await AnswerAsync(response));
            }

            return answers;
        }, ct);
        start.Release(stays.Count + 1);
        var booked = await Task.WhenAll(bookings);
        var retired = await retirements;

        // Assert: documented answers only
        Assert.All(booked, a => Assert.True(a.Status == 201
            || (a.Status == 409 && a.Type is ProblemTypes.FullyBooked or ProblemTypes.NoRoomForStay)
            || (a.Status == 503 && a.Type == ProblemTypes.Busy), a.ToString()));
        Assert.All(retired, a => Assert.True(a.Status == 200
            || (a.Status == 409 && a.Type == ProblemTypes.InventoryConflict) || (a.Status == 503 && a.Type == ProblemTypes.Busy), a.ToString()));

        // Assert: per night, no more bookings than rooms in service; per booking, a room in service for its whole stay
        using var list = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation.Id}/items", Staff.Token);
        var items = (await list.ReadAsync<ItemListDto>()).Items.ToDictionary(i => i.Id);
        var active = await ActiveStaysAsync(accommodation.Id, ct);
        foreach (var (night, count) in PerNight(active))
        {
            var inService = items.Values.Count(i => i.RetiredFrom is null || night < i.RetiredFrom);
            Assert.True(count <= inService, $"{night}: {count} bookings for {inService} rooms in service");
        }

        if (items.Values.Any(i => i.RetiredFrom is not null))
        {
            // a future retirement stands: every booking was given its room, in service for every night it stays
            Assert.All(active, s => Assert.True(s.ItemId is { } item && (items[item].RetiredFrom is null || items[item].RetiredFrom >= s.CheckOut),
                $"booking {s.Id} {s.CheckIn}..{s.CheckOut} in room {s.ItemId}"));
        }

        foreach (var byRoom in active.Where(s => s.ItemId is not null).GroupBy(s => s.ItemId))
        {
            var ordered = byRoom.OrderBy(s => s.CheckIn).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                Assert.True(ordered[i].CheckIn >= ordered[i - 1].CheckOut, $"room {byRoom.Key} holds two stays on one night");
            }
        }

        Assert.Equal(booked.Count(a => a.Status == 201), active.Count);
        Assert.Empty(await Arrange.DoubleBookingsAsync(host.Database, ct));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{active.Count} of {Bookers} booked; retirements {string.Join(", ", retired.Select(r => r.Status))}; " +
            $"answers {string.Join(", ", booked.GroupBy(a => $"{a.Status} {a.Type}").Select(g => $"{g.Key}: {g.Count()}"))}");
    }

    private sealed record Answer(int Status, string? Type, JsonElement? Problem);

    private static async Task<Answer> AnswerAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return new Answer(status, null, null);
        }

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        return new Answer(status, problem.GetProperty("type").GetString(), problem.Clone());
    }

    /// <summary>Stays of 1 to 3 nights inside [first, first + nights), more of them than the rooms.</summary>
    private static List<(DateOnly From, DateOnly To)> RandomStays(DateOnly first, int nights, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Bookers).Select(_ =>
        {
            var from = first.AddDays(random.Next(0, nights));
            var length = Math.Min(random.Next(1, 4), nights - (from.DayNumber - first.DayNumber));
            return (from, from.AddDays(length));
        }).ToList();
    }

    /// <summary>Pooled connections and a JIT-compiled path first, so the race is between the requests, not start-up.</summary>
    private async Task WarmUpAsync(Guid accommodation, DateOnly night)
    {
        await Task.WhenAll(Enumerable.Range(0, Bookers).Select(async _ =>
        {
            using var warm = await host.Client.SendAsync(HttpMethod.Get,
                $"/api/accommodations/{accommodation}/availability?checkIn={Api.Date(night)}&checkOut={Api.Date(night.AddDays(1))}");
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }));
    }

    private async Task<int?> CapacityAsync(Guid accommodation)
    {
        using var read = await host.Client.SendAsync(HttpMethod.Get, $"/api/accommodations/{accommodation}", Staff.Token);
        return (await read.ReadAsync<AccommodationDto>()).Capacity;
    }

    /// <summary>The active bookings (confirmed, or pending with a live hold), read as the superuser from booking.bookings.</summary>
    private async Task<List<Stay>> ActiveStaysAsync(Guid accommodation, CancellationToken ct)
    {
        await using var connection = await host.Database.Admin.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(Guid Id, DateTime CheckIn, DateTime CheckOut, Guid? ItemId)>(new CommandDefinition(
            """
            select id, check_in, check_out, item_id from booking.bookings
             where accommodation_id = @accommodation
               and (status = 'confirmed' or (status = 'pending' and hold_expires_at > now()))
            """, new { accommodation }, cancellationToken: ct));
        return rows.Select(r => new Stay(r.Id, DateOnly.FromDateTime(r.CheckIn), DateOnly.FromDateTime(r.CheckOut), r.ItemId)).ToList();
    }

    private static SortedDictionary<DateOnly, int> PerNight(IEnumerable<Stay> stays)
    {
        var counts = new SortedDictionary<DateOnly, int>();
        foreach (var stay in stays)
        {
            for (var night = stay.CheckIn; night < stay.CheckOut; night = night.AddDays(1))
            {
                counts[night] = counts.GetValueOrDefault(night) + 1;
            }
        }

        return counts;
    }
}
