using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

[UnsupportedOSPlatform("windows")]
public sealed class AuthenticationTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    public static TheoryData<string> RefusedTokens() => new()
    {
        "none",
        "expired",
        "not yet valid",
        "wrong issuer",
        "wrong audience",
        "unsigned (alg none)",
        "signed with another key",
        "not a JWT",
        "no subject",
        "subject with a NUL character",
        "subject with a control character",
        "subject with a line break",
        "subject over 200 characters",
        "crit header with an unknown extension",
        "exp as a string",
        "nbf as a string",
        "iat as a string",
    };

    private static string? Token(string kind) => kind switch
    {
        "none" => null,
        "expired" => TestTokens.For("guest-x", expires: DateTime.UtcNow.AddMinutes(-10), notBefore: DateTime.UtcNow.AddMinutes(-20)),
        "not yet valid" => TestTokens.For("guest-x", notBefore: DateTime.UtcNow.AddMinutes(10), expires: DateTime.UtcNow.AddMinutes(20)),
        "wrong issuer" => TestTokens.For("guest-x", issuer: "https://evil.example"),
        "wrong audience" => TestTokens.For("guest-x", audience: "another-api"),
        "unsigned (alg none)" => TestTokens.WithAlgNone("guest-x"),
        "signed with another key" => TestTokens.For("guest-x", key: new string('k', 64)),
        "not a JWT" => "definitely-not-a-token",
        "no subject" => TestTokens.WithoutSubject(),
        "subject with a NUL character" => TestTokens.For("guest-\u0000-x"),
        "subject with a control character" => TestTokens.For("guest-\u0001-x"),
        "subject with a line break" => TestTokens.For("guest-x\nstaff"),
        "subject over 200 characters" => TestTokens.For(new string('g', 201)),
        "crit header with an unknown extension" =>
            TestTokens.SignedRaw("""{"alg":"HS256","typ":"JWT","crit":["exp-ext"],"exp-ext":true}""", TestTokens.PayloadJson("guest-x")),
        "exp as a string" => TestTokens.SignedRaw(TestTokens.HeaderJson, TestTokens.PayloadJson("guest-x", exp: TestTokens.QuotedSeconds(600))),
        "nbf as a string" => TestTokens.SignedRaw(TestTokens.HeaderJson, TestTokens.PayloadJson("guest-x", nbf: TestTokens.QuotedSeconds(-1))),
        "iat as a string" => TestTokens.SignedRaw(TestTokens.HeaderJson, TestTokens.PayloadJson("guest-x", iat: TestTokens.QuotedSeconds(-1))),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Creating_a_booking_without_a_valid_token_answers_401_and_writes_nothing(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();

        // Act
        using var response = await host.Client.SendAsync(HttpMethod.Post, "/api/bookings", Token(kind),
            Api.BookingBody(accommodation, checkIn, checkOut));

        // Assert
        await response.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal(kind == "none" ? null : "error=\"invalid_token\"", challenge.Parameter);
        Assert.Equal(0, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Every_booking_endpoint_answers_401_without_a_valid_token(string kind)
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var booking = await Arrange.BookingAsync(host.Database, accommodation, checkIn, checkOut, "guest-x", ct);

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/api/bookings/{booking}"), (HttpMethod.Post, $"/api/bookings/{booking}/confirm"),
            (HttpMethod.Post, $"/api/bookings/{booking}/cancel"), (HttpMethod.Post, $"/api/bookings/{booking}/item"),
        })
        {
            // Act
            using var response = await host.Client.SendAsync(method, path, Token(kind));

            // Assert
            await response.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
        }

        Assert.Equal("pending", await Arrange.StatusAsync(host.Database, booking, ct));
    }

    [Fact]
    public async Task The_App_Service_principal_header_is_ignored_unless_trust_is_enabled()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        using var request = Api.Request(HttpMethod.Post, "/api/bookings", body: Api.BookingBody(accommodation, checkIn, checkOut));
        request.Headers.Add("X-MS-CLIENT-PRINCIPAL", AppServicePrincipalTests.Encode("forged-guest"));

        // Act
        using var response = await host.Client.SendAsync(request, ct);

        // Assert
        await response.AssertProblemAsync(401, ProblemTypes.Unauthenticated);
        Assert.Equal(0, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
    }

    [Fact]
    public async Task Another_guests_booking_is_404_on_every_booking_endpoint_and_stays_untouched()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, items: 2, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var booking = await Arrange.BookingAsync(host.Database, accommodation, checkIn, checkOut, TestTokens.NewGuest(), ct);
        var intruder = TestTokens.For(TestTokens.NewGuest());

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/api/bookings/{booking}"), (HttpMethod.Post, $"/api/bookings/{booking}/confirm"),
            (HttpMethod.Post, $"/api/bookings/{booking}/cancel"), (HttpMethod.Post, $"/api/bookings/{booking}/item"),
        })
        {
            // Act
            using var response = await host.Client.SendAsync(method, path, intruder);

            // Assert
            await response.AssertProblemAsync(404, ProblemTypes.BookingNotFound);
        }

        Assert.Equal("pending", await Arrange.StatusAsync(host.Database, booking, ct));
    }

    [Fact]
    public async Task Staff_may_read_assign_confirm_and_cancel_any_guests_booking()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 5, items: 1, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay();
        var guest = TestTokens.NewGuest();
        var booking = await Arrange.BookingAsync(host.Database, accommodation, checkIn, checkOut, guest, ct);
        var staff = TestTokens.For("staff-member", staff: true);

        // Act
        using var get = await host.Client.SendAsync(HttpMethod.Get, $"/api/bookings/{booking}", staff);
        using var item = await host.Client.SendAsync(HttpMethod.Post, $"/api/bookings/{booking}/item", staff);
        using var confirm = await host.Client.SendAsync(HttpMethod.Post, $"/api/bookings/{booking}/confirm", staff);
        using var cancel = await host.Client.SendAsync(HttpMethod.Post, $"/api/bookings/{booking}/cancel", staff);

        // Assert
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(guest, (await get.ReadAsync<BookingDto>()).GuestId);
        Assert.Equal(HttpStatusCode.OK, item.StatusCode);
        Assert.Equal("confirmed", (await confirm.ReadAsync<BookingDto>()).Status);
        Assert.Equal("cancelled", (await cancel.ReadAsync<BookingDto>()).Status);
        Assert.Empty(await Arrange.DoubleBookingsAsync(host.Database, ct));
    }
}
