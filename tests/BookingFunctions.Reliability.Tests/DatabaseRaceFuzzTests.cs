using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.Versioning;
using BookingFunctions.Testing;
using Dapper;
using Npgsql;

namespace BookingFunctions.Reliability.Tests;

/// <summary>
/// Randomized races straight on the SQL API as the application role: every round a fresh accommodation
/// (1–50 rooms, as many physical rooms), 2–200 callers mixing create / confirm / cancel / assign / expire over a
/// 60-night window, some holds lasting well under a second. After every round the product's audit and the
/// test's own recount must both be clean, and no operation that succeeded may have been lost.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DatabaseRaceFuzzTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    // SQLSTATEs a racing caller may legitimately get; anything else is a finding.
    private static readonly HashSet<string> Expected = ["BK001", "BK004", "BK005", "BK008", "55P03"];

    private sealed record Tracked(Guid Id, string Guest)
    {
        public volatile bool Cancelled;
        public volatile bool Confirmed;
    }

    [Fact]
    public async Task Randomized_rounds_of_racing_callers_never_oversell_a_night_or_share_an_item()
    {
        var ct = TestContext.Current.CancellationToken;
        var seed = Budget.NewSeed();
        Arrange.Announce($"RELIABILITY replay: {Budget.SeedVariable}={seed} (DatabaseRaceFuzzTests, {Budget.DatabaseRounds} rounds)");
        var db = fixture.Database;
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        long calls = 0, refused = 0;
        var round = 0;
        for (; round < Budget.DatabaseRounds && clock.Elapsed < Budget.Deadline && failures.Count == 0; round++)
        {
            var rng = new Random(HashCode.Combine(seed, round));
            var capacity = rng.Next(1, 51);
            // mostly tens of callers; now and then a stampede of 200
            var callers = round % 50 == 49 ? 200 : rng.Next(10) == 0 ? rng.Next(41, 121) : rng.Next(2, 41);
            var accommodation = await Arrange.AccommodationAsync(db, capacity, capacity, ct);
            var windowStart = Arrange.Today.AddDays(30 + rng.Next(0, 30));
            var plans = Enumerable.Range(0, callers).Select(i => (Guest: $"fuzz-{round}-{i}", Rng: new Random(rng.Next()))).ToList();
            var created = new ConcurrentBag<Tracked>();
            var unexpected = new ConcurrentBag<string>();

            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var tasks = plans.Select(plan => Task.Run(async () =>
            {
                await gate.Task;
                var r = plan.Rng;
                Tracked? mine = null;
                var operations = r.Next(1, 5);
                for (var op = 0; op < operations; op++)
                {
                    var kind = op == 0 ? 0 : r.Next(1, 7);
                    try
                    {
                        Interlocked.Increment(ref calls);
                        await using var connection = await db.App.OpenConnectionAsync(ct);
                        switch (kind)
                        {
                            case 0:
                            {
                                var nights = r.Next(1, 15);
                                var checkIn = windowStart.AddDays(r.Next(0, 60 - nights + 1));
                                // 40% short holds (0.05–0.8 s) that expire during the round; 10% confirmed at once
                                var ttl = r.Next(10) < 4 ? TimeSpan.FromMilliseconds(r.Next(50, 800)) : TimeSpan.FromMinutes(15);
                                var status = r.Next(10) == 0 ? "confirmed" : "pending";
                                var id = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
                                    "select create_booking_with_atomic_lock(@accommodation, @guest, @checkIn, @checkOut, 1, @ttl, @status, @key)",
                                    new { accommodation, guest = plan.Guest, checkIn, checkOut = checkIn.AddDays(nights), ttl, status, key = r.Next(3) == 0 ? $"k-{plan.Guest}" : null },
                                    cancellationToken: ct));
                                mine = new Tracked(id, plan.Guest) { Confirmed = status == "confirmed" };
                                created.Add(mine);
                                break;
                            }

                            case 1 when mine is not null:
                                if (await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                                        "select confirm_booking(@id, @guest)", new { id = mine.Id, guest = mine.Guest }, cancellationToken: ct)) == "confirmed")
                                {
                                    mine.Confirmed = true;
                                }

                                break;
                            case 2 when mine is not null:
                                if (await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                                        "select cancel_booking(@id, @guest)", new { id = mine.Id, guest = mine.Guest }, cancellationToken: ct)) == "cancelled")
                                {
                                    mine.Cancelled = true;
                                }

                                break;
                            case 3 when mine is not null:
                                await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
                                    "select assign_accommodation_item_atomically(@id, @guest)", new { id = mine.Id, guest = mine.Guest }, cancellationToken: ct));
                                break;
                            case 4:
                                await connection.ExecuteScalarAsync<int>(new CommandDefinition("select expire_stale_holds(50)", cancellationToken: ct));
                                break;
                            case 5 when !created.IsEmpty:
                            {
                                // staff cancelling someone else's booking (null guest = any booking)
                                var other = created.ElementAt(r.Next(created.Count));
                                if (await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                                        "select cancel_booking(@id, null)", new { id = other.Id }, cancellationToken: ct)) == "cancelled")
                                {
                                    other.Cancelled = true;
                                }

                                break;
                            }

                            default:
                                await Task.Delay(r.Next(0, 60), ct);
                                break;
                        }
                    }
                    catch (PostgresException e) when (Expected.Contains(e.SqlState))
                    {
                        Interlocked.Increment(ref refused);
                    }
                    catch (PostgresException e)
                    {
                        unexpected.Add($"{e.SqlState}: {e.MessageText}");
                    }
                }
            }, ct)).ToList();
            gate.SetResult();
            await Task.WhenAll(tasks);

            var report = await Invariants.CheckAsync(db, [accommodation], ct);
            Tally.AddOversells(report.Oversells);
            failures.AddRange(unexpected.Select(u => $"round {round}: unexpected error {u}"));
            failures.AddRange(report.Violations.Select(v => $"round {round} (capacity {capacity}, {callers} callers): {v}"));
            failures.AddRange(await LostUpdatesAsync(db, created, ct));
            Tally.AddRounds();
        }

        Tally.AddRequests(calls);
        Tally.Category($"RELIABILITY db_fuzz rounds={round} calls={calls} refused={refused} seed={seed} seconds={clock.Elapsed.TotalSeconds:F0}");
        Arrange.Announce($"DatabaseRaceFuzzTests: {round} rounds, {calls} calls, {refused} refused as expected, {clock.Elapsed.TotalSeconds:F0} s");
        Assert.True(failures.Count == 0, $"seed {seed}:\n" + string.Join('\n', failures.Take(20)));
        Assert.True(round >= Math.Min(Budget.DatabaseRounds, 200) || clock.Elapsed >= Budget.Deadline, $"only {round} rounds ran");
    }

    /// <summary>A cancel that returned 'cancelled' is final; a confirm nobody cancelled afterwards stays confirmed.</summary>
    private static async Task<IEnumerable<string>> LostUpdatesAsync(TestDatabase db, IEnumerable<Tracked> created, CancellationToken ct)
    {
        var tracked = created.ToList();
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        var statuses = (await connection.QueryAsync<(Guid Id, string Status)>(new CommandDefinition(
            "select id, status::text from booking.bookings where id = any(@ids)", new { ids = tracked.Select(t => t.Id).ToArray() },
            cancellationToken: ct))).ToDictionary(r => r.Id, r => r.Status);
        return tracked.Select(t => (t, status: statuses.GetValueOrDefault(t.Id, "missing")))
            .Where(x => x.status == "missing" || (x.t.Cancelled && x.status != "cancelled")
                        || (x.t.Confirmed && !x.t.Cancelled && x.status != "confirmed"))
            .Select(x => $"booking {x.t.Id}: cancelled={x.t.Cancelled} confirmed={x.t.Confirmed} but status {x.status}");
    }
}
