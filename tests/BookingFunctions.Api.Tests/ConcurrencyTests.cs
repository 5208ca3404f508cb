using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

[UnsupportedOSPlatform("windows")]
public sealed class ConcurrencyTests(ApiHostFixture host) : IClassFixture<ApiHostFixture>
{
    [Fact]
    public async Task Last_three_rooms_go_to_exactly_three_of_100_concurrent_posts()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 10, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 60, nights: 3);
        for (var i = 0; i < 7; i++)
        {
            await Arrange.BookingAsync(host.Database, accommodation, checkIn, checkOut, ct: ct);
        }

        var requests = Enumerable.Range(0, 100).Select(_ => Api.Request(HttpMethod.Post, "/api/bookings",
            TestTokens.For(TestTokens.NewGuest()), Api.BookingBody(accommodation, checkIn, checkOut))).ToList();
        using var start = new SemaphoreSlim(0);

        // Act
        var sends = requests.Select(async request =>
        {
            await start.WaitAsync(ct);
            return await host.Client.SendAsync(request, ct);
        }).ToList();
        start.Release(requests.Count);
        var responses = await Task.WhenAll(sends);

        // Assert
        try
        {
            var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
            var refused = responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).ToList();
            Assert.Equal(3, created.Count);
            Assert.Equal(97, refused.Count);
            Assert.All(created, r => Assert.Matches("^/api/bookings/[0-9a-f-]{36}$", r.Headers.Location!.OriginalString));
            Assert.Equal(3, created.Select(r => r.Headers.Location).Distinct().Count());
            foreach (var r in refused)
            {
                var problem = await r.AssertProblemAsync(409, ProblemTypes.FullyBooked);
                Assert.Equal($"All 10 rooms are taken on {Api.Date(checkIn)}.", problem.GetProperty("detail").GetString());
            }

            Assert.Equal(10, await Arrange.BookingCountAsync(host.Database, accommodation, ct));
            Assert.Empty(await Arrange.DoubleBookingsAsync(host.Database, ct));
        }
        finally
        {
            foreach (var r in responses)
            {
                r.Dispose();
            }

            foreach (var r in requests)
            {
                r.Dispose();
            }
        }
    }
}
