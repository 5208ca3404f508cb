using System.Net;
using System.Text;
using BookingFunctions.Errors;
using Dapper;

namespace BookingFunctions.Functions.Tests;

/// <summary>
/// Every HTTP function of the built app, through the real isolated worker and the host's invocation protocol,
/// against a real database as the restricted app login: success and each documented problem status.
/// </summary>
[Collection(SharedWorker.Name)]
public sealed class HttpFunctionTests(WorkerFixture worker)
{
    private TestDatabase Db => worker.Database;

    [Fact]
    public async Task CreateBookingSecurely_answers_201_with_Location_and_the_booking_that_GetBooking_then_serves()
    {
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 3);
        var (checkIn, checkOut) = Arrange.Stay();
        var guest = TestTokens.NewGuest();

        // Act
        using var created = await worker.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(guest),
            Api.BookingBody(accommodation, checkIn, checkOut), idempotencyKey: Guid.NewGuid().ToString());

        // Assert
        Assert.Equal(HttpStatusCode.Created, created.Response.StatusCode);
        var booking = await created.ReadAsync<BookingDto>();
        Assert.Equal((accommodation, guest, checkIn, checkOut, "pending"), (booking.AccommodationId, booking.GuestId, booking.CheckIn, booking.CheckOut, booking.Status));
        Assert.Equal($"/api/bookings/{booking.Id}", created.Response.Headers.Location?.OriginalString);
        using var read = await worker.SendAsync(HttpMethod.Get, created.Response.Headers.Location!.OriginalString, TestTokens.For(guest));
        Assert.Equal(HttpStatusCode.OK, read.Response.StatusCode);
        Assert.Equal(booking, await read.ReadAsync<BookingDto>());
    }

    [Fact]
    public async Task CreateBookingSecurely_answers_400_for_a_malformed_body_and_415_for_a_body_that_is_not_JSON()
    {
        var token = TestTokens.For(TestTokens.NewGuest());

        // Act
        using var malformed = await worker.SendAsync(HttpMethod.Post, "/api/bookings", token,
            new StringContent("""{"accommodationId": 42, "checkIn": "tomorrow"}""", Encoding.UTF8, "application/json"));
        using var text = await worker.SendAsync(HttpMethod.Post, "/api/bookings", token, new StringContent("book me a room", Encoding.UTF8, "text/plain"));

        // Assert
        await malformed.AssertProblemAsync(400, ProblemTypes.Validation);
        await text.AssertProblemAsync(415, ProblemTypes.UnsupportedMediaType);
    }

    [Fact]
    public async Task CreateBookingSecurely_answers_401_without_a_token_and_with_a_token_for_another_audience()
    {
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 3);
        var (checkIn, checkOut) = Arrange.Stay();

        // Act
        using var anonymous = await worker.SendAsync(HttpMethod.Post, "/api/bookings", body: Api.BookingBody(accommodation, checkIn, checkOut));
        using var foreign = await worker.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest(), audience: "another-api"),
            Api.BookingBody(accommodation, checkIn, checkOut));

        // Assert
        await anonymous.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
        await foreign.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
        Assert.Equal(0, await Arrange.BookingCountAsync(Db, accommodation));
    }

    [Fact]
    public async Task CreateBookingSecurely_answers_404_for_an_unknown_accommodation()
    {
        var (checkIn, checkOut) = Arrange.Stay();

        // Act
        using var response = await worker.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(Guid.NewGuid(), checkIn, checkOut));

        // Assert
        await response.AssertProblemAsync(404, ProblemTypes.AccommodationNotFound);
    }

    [Fact]
    public async Task CreateBookingSecurely_answers_409_naming_the_full_night_when_the_last_room_is_taken()
    {
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 1);
        var (checkIn, checkOut) = Arrange.Stay();
        await Arrange.BookingAsync(Db, accommodation, checkIn, checkOut);

        // Act
        using var response = await worker.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(accommodation, checkIn, checkOut));

        // Assert
        var problem = await response.AssertProblemAsync(409, ProblemTypes.FullyBooked);
        Assert.Contains(Api.Date(checkIn), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await Arrange.BookingCountAsync(Db, accommodation));
    }

    [Fact]
    public async Task CreateBookingSecurely_answers_422_when_an_idempotency_key_is_reused_for_another_stay()
    {
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 3);
        var (checkIn, checkOut) = Arrange.Stay();
        var token = TestTokens.For(TestTokens.NewGuest());
        var key = Guid.NewGuid().ToString();
        using var first = await worker.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut), key);
        Assert.Equal(HttpStatusCode.Created, first.Response.StatusCode);

        // Act
        using var reused = await worker.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut.AddDays(1)), key);

        // Assert
        await reused.AssertProblemAsync(422, ProblemTypes.IdempotencyKeyReused);
    }

    [Fact]
    public async Task CreateBookingSecurely_answers_503_with_Retry_After_when_a_night_stays_locked_past_the_lock_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 5);
        var (checkIn, checkOut) = Arrange.Stay();
        await Arrange.BookingAsync(Db, accommodation, checkIn, checkOut);
        await using var blocker = await Db.Admin.OpenConnectionAsync(ct);
        await using var transaction = await blocker.BeginTransactionAsync(ct);
        await blocker.ExecuteAsync(new CommandDefinition(
            "select 1 from booking.night_inventory where accommodation_id = @accommodation for update",
            new { accommodation }, transaction, cancellationToken: ct));

        // Act
        using var response = await worker.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(accommodation, checkIn, checkOut));

        // Assert
        await response.AssertProblemAsync(503, ProblemTypes.Busy);
        Assert.NotNull(response.Response.Headers.RetryAfter?.Delta);
        await transaction.RollbackAsync(ct);
        Assert.Equal(1, await Arrange.BookingCountAsync(Db, accommodation));
    }

    [Fact]
    public async Task CheckAvailability_answers_200_with_the_rooms_left_and_a_short_public_cache()
    {
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 4);
        var (checkIn, checkOut) = Arrange.Stay();
        await Arrange.BookingAsync(Db, accommodation, checkIn, checkOut);

        // Act
        using var response = await worker.SendAsync(HttpMethod.Get, Api.AvailabilityPath(accommodation, checkIn, checkOut));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.Response.StatusCode);
        Assert.Equal(new AvailabilityDto(3, false), await response.ReadAsync<AvailabilityDto>());
        Assert.True(response.Response.Headers.CacheControl is { Public: true, MaxAge.TotalSeconds: > 0 });
    }

    [Fact]
    public async Task CheckAvailability_answers_404_for_an_unknown_accommodation()
    {
        var (checkIn, checkOut) = Arrange.Stay();

        // Act
        using var response = await worker.SendAsync(HttpMethod.Get, Api.AvailabilityPath(Guid.NewGuid(), checkIn, checkOut));

        // Assert
        await response.AssertProblemAsync(404, ProblemTypes.AccommodationNotFound);
    }

    [Fact]
    public async Task HEAD_on_availability_answers_200_with_the_headers_of_GET_and_no_body()
    {
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 2);
        var (checkIn, checkOut) = Arrange.Stay();
        var path = Api.AvailabilityPath(accommodation, checkIn, checkOut);
        using var get = await worker.SendAsync(HttpMethod.Get, path);

        // Act
        using var head = await worker.SendAsync(HttpMethod.Head, path);

        // Assert
        head.AssertInvoked();
        Assert.Equal(HttpStatusCode.OK, head.Response.StatusCode);
        Assert.Empty(await head.Response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(get.Response.Content.Headers.ContentType, head.Response.Content.Headers.ContentType);
        Assert.Equal(get.Response.Headers.CacheControl, head.Response.Headers.CacheControl);
    }

    [Fact]
    public async Task AssignItem_ConfirmBooking_GetBooking_and_CancelBooking_take_a_booking_through_its_life()
    {
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 2, items: 2);
        var (checkIn, checkOut) = Arrange.Stay();
        var token = TestTokens.For(TestTokens.NewGuest());
        using var created = await worker.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.BookingBody(accommodation, checkIn, checkOut));
        var booking = await created.ReadAsync<BookingDto>();

        // Act
        using var assigned = await worker.SendAsync(HttpMethod.Post, $"/api/bookings/{booking.Id}/item", token);
        using var confirmed = await worker.SendAsync(HttpMethod.Post, $"/api/bookings/{booking.Id}/confirm", token);
        using var read = await worker.SendAsync(HttpMethod.Get, $"/api/bookings/{booking.Id}", token);
        using var cancelled = await worker.SendAsync(HttpMethod.Post, $"/api/bookings/{booking.Id}/cancel", token);

        // Assert
        var item = await assigned.ReadAsync<ItemAssignmentDto>();
        Assert.Equal(item.ItemId, item.Booking.ItemId);
        Assert.Equal("confirmed", (await confirmed.ReadAsync<BookingDto>()).Status);
        var current = await read.ReadAsync<BookingDto>();
        Assert.Equal(("confirmed", (Guid?)item.ItemId), (current.Status, current.ItemId));
        Assert.Equal("cancelled", (await cancelled.ReadAsync<BookingDto>()).Status);
    }

    [Fact]
    public async Task CreateBookingSecurely_books_a_group_that_GetBookingGroup_serves_and_the_group_functions_confirm_and_cancel()
    {
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 3);
        var other = await Arrange.AccommodationAsync(Db, rooms: 3);
        var (checkIn, checkOut) = Arrange.Stay();
        var guest = TestTokens.NewGuest();
        var token = TestTokens.For(guest);
        var key = Guid.NewGuid().ToString();
        var body = new
        {
            rooms = new[]
            {
                new { accommodationId = accommodation, checkIn = Api.Date(checkIn), checkOut = Api.Date(checkOut), guests = 1 },
                new { accommodationId = other, checkIn = Api.Date(checkIn), checkOut = Api.Date(checkOut), guests = 2 },
            },
        };

        // Act
        using var created = await worker.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.Body(body), idempotencyKey: key);
        using var replay = await worker.SendAsync(HttpMethod.Post, "/api/bookings", token, Api.Body(body), idempotencyKey: key);
        var location = created.Response.Headers.Location!.OriginalString;
        using var read = await worker.SendAsync(HttpMethod.Get, location, token);
        using var head = await worker.SendAsync(HttpMethod.Head, location, token);
        using var stranger = await worker.SendAsync(HttpMethod.Get, location, TestTokens.For(TestTokens.NewGuest()));
        using var confirmed = await worker.SendAsync(HttpMethod.Post, $"{location}/confirm", token);
        using var cancelled = await worker.SendAsync(HttpMethod.Post, $"{location}/cancel", token);

        // Assert
        Assert.Equal(HttpStatusCode.Created, created.Response.StatusCode);
        var group = await created.ReadAsync<BookingGroupDto>();
        Assert.Equal($"/api/booking-groups/{group.GroupId}", location);
        Assert.Equal(new[] { (accommodation, 1), (other, 2) }, group.Bookings.Select(b => (b.AccommodationId, b.Guests)));
        Assert.All(group.Bookings, b => Assert.Equal((guest, "pending"), (b.GuestId, b.Status)));
        Assert.False(created.Response.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(["true"], replay.Response.Headers.GetValues("Idempotent-Replayed"));
        Assert.Equal(group.Bookings.OrderBy(b => b.Id), (await replay.ReadAsync<BookingGroupDto>()).Bookings.OrderBy(b => b.Id));
        var served = await read.ReadAsync<BookingGroupDto>();
        Assert.Equal(group.GroupId, served.GroupId);
        Assert.Equal(group.Bookings.OrderBy(b => b.Id), served.Bookings.OrderBy(b => b.Id));
        Assert.Equal(HttpStatusCode.OK, head.Response.StatusCode);
        Assert.Empty(await head.Response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        await stranger.AssertProblemAsync(404, ProblemTypes.BookingNotFound);
        Assert.All((await confirmed.ReadAsync<BookingGroupDto>()).Bookings, b => Assert.Equal("confirmed", b.Status));
        Assert.All((await cancelled.ReadAsync<BookingGroupDto>()).Bookings, b => Assert.Equal("cancelled", b.Status));
        Assert.Equal((1, 1), (await Arrange.BookingCountAsync(Db, accommodation), await Arrange.BookingCountAsync(Db, other)));
    }

    [Fact]
    public async Task Booking_functions_answer_401_without_a_token_and_404_for_another_guests_booking()
    {
        var accommodation = await Arrange.AccommodationAsync(Db, rooms: 2, items: 2);
        var (checkIn, checkOut) = Arrange.Stay();
        using var created = await worker.SendAsync(HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Api.BookingBody(accommodation, checkIn, checkOut));
        var booking = await created.ReadAsync<BookingDto>();
        var stranger = TestTokens.For(TestTokens.NewGuest());

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/api/bookings/{booking.Id}"),
            (HttpMethod.Post, $"/api/bookings/{booking.Id}/item"),
            (HttpMethod.Post, $"/api/bookings/{booking.Id}/confirm"),
            (HttpMethod.Post, $"/api/bookings/{booking.Id}/cancel"),
        })
        {
            // Act
            using var anonymous = await worker.SendAsync(method, path);
            using var foreign = await worker.SendAsync(method, path, stranger);

            // Assert
            await anonymous.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
            await foreign.AssertProblemAsync(404, ProblemTypes.BookingNotFound);
        }
    }
}
