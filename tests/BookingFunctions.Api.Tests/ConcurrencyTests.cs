using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Errors;

namespace BookingFunctions.Api.Tests;

[UnsupportedOSPlatform("windows")]
public abstract class ConcurrencyTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : ApiHostFixture
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

        // warm-up: 100 pooled connections and a JIT-compiled path, so the timing below is the race, not start-up
        await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            using var warm = await host.Client.SendAsync(HttpMethod.Get,
                $"/api/accommodations/{accommodation}/availability?checkIn={Api.Date(checkIn)}&checkOut={Api.Date(checkOut)}");
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }));

        var requests = Enumerable.Range(0, 100).Select(_ => Api.Request(HttpMethod.Post, "/api/bookings",
            TestTokens.For(TestTokens.NewGuest()), Api.BookingBody(accommodation, checkIn, checkOut))).ToList();
        using var start = new SemaphoreSlim(0);

        // Act
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var sends = requests.Select(async request =>
        {
            await start.WaitAsync(ct);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var response = await host.Client.SendAsync(request, ct);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            return response;
        }).ToList();
        var wall = System.Diagnostics.Stopwatch.StartNew();
        start.Release(requests.Count);
        var responses = await Task.WhenAll(sends);
        wall.Stop();
        var sorted = latencies.Order().ToArray();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"100 concurrent POSTs: wall {wall.ElapsedMilliseconds} ms; per request p50 {sorted[49]:F0} ms, p95 {sorted[94]:F0} ms, max {sorted[^1]:F0} ms");

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

/// <summary>The tests above with the app's connections straight to PostgreSQL.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ConcurrencyTests(ApiHostFixture host) : ConcurrencyTests<ApiHostFixture>(host);

/// <summary>The tests above with the app's connections through PgBouncer in transaction mode.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ConcurrencyTestsThroughPgBouncer(PgBouncerApiHostFixture host) : ConcurrencyTests<PgBouncerApiHostFixture>(host);
