using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.Versioning;
using Dapper;

namespace BookingFunctions.Reliability.Tests;

/// <summary>
/// The same randomized races as <see cref="DatabaseRaceFuzzTests"/>, fewer and smaller, through the real host:
/// tokens, JSON, idempotency keys, handlers and the error mapper all in the loop. Holds last 2 seconds, so
/// confirms and assignments race against expiry too. Every answer must be one the API documents for that call.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class HttpRaceFuzzTests(HostFixture host) : IClassFixture<HostFixture>
{
    private sealed record Tracked(Guid Id, string Token)
    {
        public volatile bool Cancelled;
        public volatile bool Confirmed;
    }

    [Fact]
    public async Task Randomized_rounds_through_the_host_never_oversell_and_answer_only_documented_statuses()
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = Budget.NewSeed();
        Arrange.Announce($"RELIABILITY replay: {Budget.SeedVariable}={seed} (HttpRaceFuzzTests, {Budget.HttpRounds} rounds)");
        var clock = Stopwatch.StartNew();
        var failures = new ConcurrentQueue<string>();
        long requests = 0;
        var staff = TestTokens.For("staff-fuzz", staff: true);
        var round = 0;
        for (; round < Budget.HttpRounds && clock.Elapsed < Budget.Deadline && failures.IsEmpty; round++)
        {
            var rng = new Random(HashCode.Combine(seed, round));
            var capacity = rng.Next(1, 51);
            var callers = round == Budget.HttpRounds - 1 ? 120 : rng.Next(2, 41);
            var accommodation = await Arrange.AccommodationAsync(host.Database, capacity, capacity, ct);
            var windowStart = Arrange.Today.AddDays(30 + rng.Next(0, 30));
            var created = new ConcurrentBag<Tracked>();
            var plans = Enumerable.Range(0, callers).Select(_ => (Token: TestTokens.For(TestTokens.NewGuest()), Rng: new Random(rng.Next()))).ToList();
            var currentRound = round;

            async Task<HttpStatusCode> Call(HttpMethod method, string path, string token, string? json, string? key, string operation, params int[] allowed)
            {
                Interlocked.Increment(ref requests);
                using var response = await Http.SendAsync(host.Client, method, path, token, json, key, ct);
                var status = (int)response.StatusCode;
                var busy = status == 503 && response.Headers.RetryAfter is not null;
                if (!allowed.Contains(status) && !busy)
                {
                    failures.Enqueue($"round {currentRound}: {operation} {path} answered {status}: {await response.Content.ReadAsStringAsync(ct)}");
                }

                if (status is 200 or 201 && operation == "create")
                {
                    created.Add(new Tracked((await Http.IdAsync(response, ct))!.Value, token));
                }
                else if (status == 200 && operation is "confirm" or "cancel")
                {
                    var state = await Http.StatusOfAsync(response, ct);
                    var tracked = created.FirstOrDefault(t => path.Contains(t.Id.ToString(), StringComparison.Ordinal));
                    if (tracked is not null && operation == "confirm" && state == "confirmed")
                    {
                        tracked.Confirmed = true;
                    }
                    else if (tracked is not null && operation == "cancel" && state == "cancelled")
                    {
                        tracked.Cancelled = true;
                    }
                }

                return response.StatusCode;
            }

            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var tasks = plans.Select(plan => Task.Run(async () =>
            {
                await gate.Task;
                var r = plan.Rng;
                var nights = r.Next(1, 15);
                var checkIn = windowStart.AddDays(r.Next(0, 60 - nights + 1));
                var json = Http.BookingJson(accommodation, checkIn, checkIn.AddDays(nights), r.Next(1, 5));
                var key = r.Next(2) == 0 ? Guid.NewGuid().ToString() : null;
                await Call(HttpMethod.Post, "/api/bookings", plan.Token, json, key, "create", 201, 409);
                var mine = created.FirstOrDefault(t => t.Token == plan.Token);
                for (var op = r.Next(0, 4); op > 0; op--)
                {
                    await Task.Delay(r.Next(0, 400), ct);
                    switch (r.Next(0, 7))
                    {
                        case 0 when key is not null:
                            // a replay must give back the same booking, never a second one
                            await Call(HttpMethod.Post, "/api/bookings", plan.Token, json, key, "replay", 201, 409);
                            break;
                        case 1 when mine is not null:
                            await Call(HttpMethod.Post, $"/api/bookings/{mine.Id}/confirm", plan.Token, null, null, "confirm", 200, 409);
                            break;
                        case 2 when mine is not null:
                            await Call(HttpMethod.Post, $"/api/bookings/{mine.Id}/cancel", plan.Token, null, null, "cancel", 200);
                            break;
                        case 3 when mine is not null:
                            await Call(HttpMethod.Post, $"/api/bookings/{mine.Id}/item", plan.Token, null, null, "assign", 200, 409);
                            break;
                        case 4 when mine is not null:
                            await Call(HttpMethod.Get, $"/api/bookings/{mine.Id}", plan.Token, null, null, "get", 200);
                            break;
                        case 5 when !created.IsEmpty:
                            var other = created.ElementAt(r.Next(created.Count));
                            await Call(HttpMethod.Post, $"/api/bookings/{other.Id}/cancel", staff, null, null, "cancel", 200);
                            break;
                        default:
                            await Call(HttpMethod.Get, $"/api/accommodations/{accommodation}/availability?checkIn={Arrange.Date(checkIn)}&checkOut={Arrange.Date(checkIn.AddDays(nights))}",
                                plan.Token, null, null, "availability", 200);
                            break;
                    }
                }
            }, ct)).ToList();
            gate.SetResult();
            await Task.WhenAll(tasks);

            var report = await Invariants.CheckAsync(host.Database, [accommodation], ct);
            Tally.AddOversells(report.Oversells);
            foreach (var violation in report.Violations)
            {
                failures.Enqueue($"round {round} (capacity {capacity}, {callers} callers): {violation}");
            }

            await using (var connection = await host.Database.Admin.OpenConnectionAsync(ct))
            {
                var statuses = (await connection.QueryAsync<(Guid Id, string Status)>(new CommandDefinition(
                    "select id, status::text from booking.bookings where accommodation_id = @accommodation", new { accommodation },
                    cancellationToken: ct))).ToDictionary(x => x.Id, x => x.Status);
                foreach (var t in created.DistinctBy(t => t.Id))
                {
                    var status = statuses.GetValueOrDefault(t.Id, "missing");
                    if (status == "missing" || (t.Cancelled && status != "cancelled") || (t.Confirmed && !t.Cancelled && status != "confirmed"))
                    {
                        failures.Enqueue($"round {round}: booking {t.Id} cancelled={t.Cancelled} confirmed={t.Confirmed} but {status}");
                    }
                }
            }

            Tally.AddRounds();
        }

        Tally.Category($"RELIABILITY http_fuzz rounds={round} requests={requests} seed={seed} seconds={clock.Elapsed.TotalSeconds:F0}");
        Assert.True(failures.IsEmpty, $"seed {seed}:\n" + string.Join('\n', failures.Take(20)));
        Assert.True(host.Log.Errors.IsEmpty, "the host logged errors:\n" + string.Join('\n', host.Log.Errors.Take(10)));
    }
}
