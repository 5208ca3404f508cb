using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Database;
using BookingFunctions.Monitoring;
using BookingFunctions.Telemetry;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The app's Meter and Instruments are process-wide (like Npgsql's): measurements of other hosts running at the same
/// time would add to the counts, so these tests run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(TelemetryRunsAlone), DisableParallelization = true)]
public sealed class TelemetryRunsAlone;

/// <summary>
/// A known sequence of requests through the standalone host, read back from OpenTelemetry's in-memory exporters:
/// every metric counts exactly what happened, every database call is one span named for its SQL function, and no
/// tag of any span or metric carries a guest id, a token, an idempotency key or any other argument.
/// </summary>
[UnsupportedOSPlatform("windows")]
[Collection(nameof(TelemetryRunsAlone))]
public sealed class TelemetryTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_known_request_sequence_gives_exact_counts_one_span_per_database_call_and_no_personal_data_in_any_tag()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = fixture.Database;
        await using var host = await TelemetryHost.StartAsync(db, ct);
        var client = host.Client;
        var single = await Arrange.AccommodationAsync(db, rooms: 1, ct: ct);
        var roomy = await Arrange.AccommodationAsync(db, rooms: 5, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay(40);
        var alice = TestTokens.NewGuest();
        var bob = TestTokens.NewGuest();
        var aliceToken = TestTokens.For(alice);
        var bobToken = TestTokens.For(bob);
        var key = $"key-{Guid.NewGuid():N}";

        // Act: 5 bookings created, 7 refusals of 7 kinds, 1 busy 503, then one audit run
        using var created = await client.SendAsync(HttpMethod.Post, "/api/bookings", aliceToken, Api.BookingBody(single, checkIn, checkOut));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var heldBooking = (await created.ReadAsync<BookingDto>()).Id;
        using (var full = await client.SendAsync(HttpMethod.Post, "/api/bookings", bobToken, Api.BookingBody(single, checkIn, checkOut)))
        {
            await full.AssertProblemAsync(409, Errors.ProblemTypes.FullyBooked);
        }

        using (var invalid = await client.SendAsync(HttpMethod.Post, "/api/bookings", bobToken, Api.BookingBody(roomy, checkOut, checkIn)))
        {
            await invalid.AssertProblemAsync(400, Errors.ProblemTypes.Validation);
        }

        using (var first = await client.SendAsync(HttpMethod.Post, "/api/bookings", bobToken, Api.BookingBody(roomy, checkIn, checkOut), key))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using (var reused = await client.SendAsync(HttpMethod.Post, "/api/bookings", bobToken, Api.BookingBody(roomy, checkIn, checkOut.AddDays(1)), key))
        {
            await reused.AssertProblemAsync(422, Errors.ProblemTypes.IdempotencyKeyReused);
        }

        using (var unknown = await client.SendAsync(HttpMethod.Get,
                   $"/api/accommodations/{Guid.NewGuid()}/availability?checkIn={Api.Date(checkIn)}&checkOut={Api.Date(checkOut)}"))
        {
            await unknown.AssertProblemAsync(404, Errors.ProblemTypes.AccommodationNotFound);
        }

        using (var missing = await client.SendAsync(HttpMethod.Get, $"/api/bookings/{Guid.NewGuid()}", aliceToken))
        {
            await missing.AssertProblemAsync(404, Errors.ProblemTypes.BookingNotFound);
        }

        using (var anonymous = await client.SendAsync(HttpMethod.Post, "/api/bookings", null, Api.BookingBody(roomy, checkIn, checkOut)))
        {
            await anonymous.AssertProblemAsync(401, Errors.ProblemTypes.Unauthenticated);
        }

        // alice's hold runs out and bob takes the room (releasing her hold), so her confirmation comes too late
        await Arrange.ExpireHoldAsync(db, heldBooking, ct);
        using (var taken = await client.SendAsync(HttpMethod.Post, "/api/bookings", bobToken, Api.BookingBody(single, checkIn, checkOut)))
        {
            Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        }

        using (var expired = await client.SendAsync(HttpMethod.Post, $"/api/bookings/{heldBooking}/confirm", aliceToken))
        {
            await expired.AssertProblemAsync(409, Errors.ProblemTypes.HoldExpired);
        }

        // busy: another transaction holds the night rows past the functions' 2 s lock_timeout
        var busyNight = Arrange.Today.AddDays(60);
        using (var setup = await client.SendAsync(HttpMethod.Post, "/api/bookings", aliceToken, Api.BookingBody(roomy, busyNight, busyNight.AddDays(1))))
        {
            Assert.Equal(HttpStatusCode.Created, setup.StatusCode);
        }

        await using (var locker = await db.Admin.OpenConnectionAsync(ct))
        await using (var transaction = await locker.BeginTransactionAsync(ct))
        {
            await locker.ExecuteAsync(new CommandDefinition(
                "select 1 from booking.night_inventory where accommodation_id = @roomy and night = @busyNight for update",
                new { roomy, busyNight }, transaction, cancellationToken: ct));
            using var busy = await client.SendAsync(HttpMethod.Post, "/api/bookings", bobToken, Api.BookingBody(roomy, busyNight, busyNight.AddDays(1)));
            await busy.AssertProblemAsync(503, Errors.ProblemTypes.Busy);
            await transaction.RollbackAsync(ct);
        }

        Guid lapsing;
        using (var last = await client.SendAsync(HttpMethod.Post, "/api/bookings", bobToken, Api.BookingBody(roomy, busyNight, busyNight.AddDays(1))))
        {
            Assert.Equal(HttpStatusCode.Created, last.StatusCode);
            lapsing = (await last.ReadAsync<BookingDto>()).Id;
        }

        // a hold nobody meets again: the monitor's expiry releases it
        await Arrange.ExpireHoldAsync(db, lapsing, ct);

        // one counter drift for the audit to find, and the backdated hold for it to release
        await using (var admin = await db.Admin.OpenConnectionAsync(ct))
        {
            await admin.ExecuteAsync(new CommandDefinition(
                "update booking.night_inventory set reserved = reserved + 1 where accommodation_id = @roomy and night = @checkIn",
                new { roomy, checkIn }, cancellationToken: ct));
        }

        var report = await host.Services.GetRequiredService<DoubleBookingMonitor>().RunAsync(ct);
        var metrics = host.CollectMetrics();
        var allSpans = host.Spans();
        var spans = allSpans.Where(s => s.Source.Name == BookingTelemetry.Name).ToList();
        var requests = allSpans.Where(s => s.Kind == System.Diagnostics.ActivityKind.Server).ToList();

        // Assert: the counts
        Assert.Equal(1, report.ExpiredHolds);
        Assert.Single(report.Findings);
        Assert.Equal(5, Sum(metrics, BookingMetrics.BookingsCreatedName));
        foreach (var reason in new[] { "fully-booked", "validation", "idempotency-key-reused", "accommodation-not-found", "booking-not-found",
                     "unauthenticated", "hold-expired" })
        {
            Assert.True(Sum(metrics, BookingMetrics.RequestsRefusedName, (BookingMetrics.ReasonTag, reason)) == 1, $"refused {reason}");
        }

        Assert.Equal(7, Sum(metrics, BookingMetrics.RequestsRefusedName));
        Assert.Equal(1, Sum(metrics, BookingMetrics.RequestsUnavailableName, (BookingMetrics.ReasonTag, "busy")));
        Assert.Equal(1, Sum(metrics, BookingMetrics.RequestsUnavailableName));
        Assert.Equal(1, Sum(metrics, BookingMetrics.AuditFindingsName, (BookingMetrics.IssueTag, "counter_drift")));
        Assert.Equal(1, Sum(metrics, BookingMetrics.AuditRunsName, (BookingMetrics.OutcomeTag, AuditRun.FoundViolations)));
        Assert.Equal(1, Sum(metrics, BookingMetrics.HoldsExpiredName));

        // 8 create requests reached the booking batcher one at a time (sequential: batches of one), 1 availability question
        Assert.Equal((8, 8.0), Histogram(metrics, BookingMetrics.BatchSizeName, (BookingMetrics.BatcherTag, "booking")));
        Assert.Equal((1, 1.0), Histogram(metrics, BookingMetrics.BatchSizeName, (BookingMetrics.BatcherTag, "availability")));

        // one span and one duration per database call, named for its SQL function
        var calls = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [DatabaseFunctions.CreateBooking] = 8,
            [DatabaseFunctions.CheckAvailability] = 1,
            [DatabaseFunctions.GetBooking] = 1,
            [DatabaseFunctions.ConfirmBooking] = 1,
            [DatabaseFunctions.CheckForDoubleBookings] = 1,
            [DatabaseFunctions.ExpireStaleHolds] = 1,
        };
        foreach (var (function, count) in calls)
        {
            Assert.True(spans.Count(s => s.DisplayName == function) == count, $"{count} span(s) of {function}: {string.Join(", ", spans.Select(s => s.DisplayName))}");
            Assert.Equal(count, Histogram(metrics, BookingMetrics.DatabaseCallDurationName, (BookingMetrics.FunctionTag, function)).Count);
        }

        Assert.Equal(calls.Values.Sum(), spans.Count);
        Assert.All(spans, s => Assert.Equal("postgresql", s.GetTagItem("db.system")));

        // each request's call is a child of that request's span, even when the batcher's worker made it
        var requestSpans = requests.Select(r => r.SpanId).ToHashSet();
        var requestCalls = spans.Where(s => s.DisplayName is not (DatabaseFunctions.ExpireStaleHolds or DatabaseFunctions.CheckForDoubleBookings)).ToList();
        Assert.All(requestCalls, s => Assert.Contains(s.ParentSpanId, requestSpans));
        Assert.Equal(requestCalls.Count, requestCalls.Select(s => s.ParentSpanId).Distinct().Count());
        var refusedCalls = spans.Where(s => s.Status == System.Diagnostics.ActivityStatusCode.Error).Select(s => (string?)s.GetTagItem("error.type")).Order().ToList();
        Assert.Equal(["55P03", "BK001", "BK002", "BK005", "BK007"], refusedCalls);

        // Assert: nothing personal or secret in any tag of any span (request spans included) or metric point; and no
        // argument of a database call (the request spans' url.path names a booking, as any access log does)
        string[] personal = [alice, bob, aliceToken, bobToken, key, Api.Date(checkIn), Api.Date(checkOut), Api.Date(busyNight)];
        string[] arguments = [.. personal, single.ToString(), roomy.ToString(), heldBooking.ToString()];
        var metricTags = metrics.SelectMany(m => m.MetricPoints.SelectMany(p => Tags(p).Select(t => $"{t.Key}={t.Value}"))).ToList();
        var databaseTags = spans.SelectMany(SpanTags).Concat(metricTags).ToList();
        var everyTag = allSpans.SelectMany(SpanTags).Concat(metricTags).ToList();
        Assert.NotEmpty(databaseTags);
        Assert.All(arguments, value => Assert.DoesNotContain(databaseTags, t => t.Contains(value, StringComparison.Ordinal)));
        Assert.All(personal, value => Assert.DoesNotContain(everyTag, t => t.Contains(value, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Replays_expired_keys_and_late_confirmations_are_counted_by_kind_and_outcome()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = fixture.Database;
        await using var host = await TelemetryHost.StartAsync(db, ct);
        var client = host.Client;
        var accommodation = await Arrange.AccommodationAsync(db, rooms: 10, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay(70);
        var token = TestTokens.For(TestTokens.NewGuest());
        var singleKey = Guid.NewGuid().ToString();
        var groupKey = Guid.NewGuid().ToString();
        var single = Api.BookingBody(accommodation, checkIn, checkOut);
        var group = Api.GroupBody((accommodation, checkIn, checkOut), (accommodation, checkIn, checkOut));

        // Act: a booking and a group, each replayed once; the group's key replayed again after its window; then a lapsed
        // booking and a lapsed group of two confirmed late
        Guid booking;
        using (var created = await client.SendAsync(HttpMethod.Post, "/api/bookings", token, single, singleKey))
        {
            booking = (await created.ReadAsync<BookingDto>()).Id;
        }

        using (var replay = await client.SendAsync(HttpMethod.Post, "/api/bookings", token, single, singleKey))
        {
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        }

        BookingGroupDto booked;
        using (var created = await client.SendAsync(HttpMethod.Post, "/api/bookings", token, group, groupKey))
        {
            booked = await created.ReadAsync<BookingGroupDto>();
        }

        using (var replay = await client.SendAsync(HttpMethod.Post, "/api/bookings", token, group, groupKey))
        {
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        }

        await Arrange.AgeAsync(db, booked.Bookings[0].Id, TimeSpan.FromDays(2), ct);
        using (var expired = await client.SendAsync(HttpMethod.Post, "/api/bookings", token, group, groupKey))
        {
            await expired.AssertProblemAsync(422, Errors.ProblemTypes.IdempotencyKeyExpired);
        }

        await Arrange.ExpireHoldAsync(db, booking, ct);
        using (var late = await client.SendAsync(HttpMethod.Post, $"/api/bookings/{booking}/confirm", token))
        {
            Assert.True((await late.ReadAsync<BookingDto>()).LateConfirmation);
        }

        foreach (var member in booked.Bookings)
        {
            await Arrange.ExpireHoldAsync(db, member.Id, ct);
        }

        using (var late = await client.SendAsync(HttpMethod.Post, $"/api/booking-groups/{booked.GroupId}/confirm", token))
        {
            Assert.All((await late.ReadAsync<BookingGroupDto>()).Bookings, b => Assert.True(b.LateConfirmation));
        }

        var metrics = host.CollectMetrics();

        // Assert
        Assert.Equal(1, Sum(metrics, BookingMetrics.ReplaysName, (BookingMetrics.KindTag, "booking"), (BookingMetrics.OutcomeTag, "replayed")));
        Assert.Equal(1, Sum(metrics, BookingMetrics.ReplaysName, (BookingMetrics.KindTag, "group"), (BookingMetrics.OutcomeTag, "replayed")));
        Assert.Equal(1, Sum(metrics, BookingMetrics.ReplaysName, (BookingMetrics.KindTag, "group"), (BookingMetrics.OutcomeTag, "expired")));
        Assert.Equal(3, Sum(metrics, BookingMetrics.ReplaysName));
        Assert.Equal(1, Sum(metrics, BookingMetrics.LateConfirmationsName, (BookingMetrics.KindTag, "booking")));
        Assert.Equal(2, Sum(metrics, BookingMetrics.LateConfirmationsName, (BookingMetrics.KindTag, "group")));
        // 201s: the booking twice, the group's two rooms twice; the expired replay is a refusal
        Assert.Equal(6, Sum(metrics, BookingMetrics.BookingsCreatedName));
        Assert.Equal(1, Sum(metrics, BookingMetrics.RequestsRefusedName, (BookingMetrics.ReasonTag, "idempotency-key-expired")));
        Assert.Equal(1, Sum(metrics, BookingMetrics.RequestsRefusedName));
    }

    private static IEnumerable<string> SpanTags(System.Diagnostics.Activity span) =>
        span.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(span.DisplayName);

    private static long Sum(IReadOnlyList<MetricSnapshot> metrics, string name, params (string Key, string Value)[] tags) =>
        Points(metrics, name, tags).Sum(p => p.GetSumLong());

    private static (long Count, double Sum) Histogram(IReadOnlyList<MetricSnapshot> metrics, string name, params (string Key, string Value)[] tags)
    {
        var points = Points(metrics, name, tags).ToList();
        return (points.Sum(p => p.GetHistogramCount()), points.Sum(p => p.GetHistogramSum()));
    }

    private static IEnumerable<MetricPoint> Points(IReadOnlyList<MetricSnapshot> metrics, string name, (string Key, string Value)[] tags) =>
        metrics.Where(m => m.Name == name)
            .SelectMany(m => m.MetricPoints)
            .Where(p => tags.All(t => Tags(p).Any(pt => pt.Key == t.Key && Equals(pt.Value?.ToString(), t.Value))));

    private static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }
}
