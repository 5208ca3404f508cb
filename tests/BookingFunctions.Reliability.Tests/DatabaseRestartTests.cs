using System.Diagnostics;
using System.Net;
using System.Runtime.Versioning;
using BookingFunctions.Testing;
using Dapper;

namespace BookingFunctions.Reliability.Tests;

/// <summary>Restarting PostgreSQL breaks every connection in the process, so this runs alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>
/// PostgreSQL restarted (immediate stop, 2 s down) while the standalone host serves bookings: during the outage
/// every answer is a 503 problem with Retry-After within a bounded time, never a 500 or a hang; afterwards the
/// same host (not restarted) books again, and each client that kept retrying its Idempotency-Key owns exactly one
/// booking.
/// </summary>
[UnsupportedOSPlatform("windows")]
[Collection(nameof(RunsAlone))]
public abstract class DatabaseRestartTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : HostFixture
{
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RestartDowntime = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_database_restart_under_load_is_503_with_Retry_After_then_the_host_recovers_and_each_key_books_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await TestDatabaseServer.GetAsync();
        if (server.LocalCluster is null)
        {
            Assert.Skip($"The tests use {server.Source}, not a local cluster this process may restart; the restart test needs the local PostgreSQL binaries.");
        }

        // The throwaway cluster runs with synchronous_commit=off (speed); then an acknowledged commit may be lost in
        // a crash, and "201 means booked" cannot hold. Production runs with the default (on): so does this database.
        await using (var admin = await host.Database.Admin.OpenConnectionAsync(ct))
        {
            await admin.ExecuteAsync(new CommandDefinition($"alter database \"{host.Database.Name}\" set synchronous_commit = on", cancellationToken: ct));
        }

        var accommodation = await Arrange.AccommodationAsync(host.Database, rooms: 50, items: 0, ct);
        var clients = new Clients();
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<(string Guest, string Key, bool Booked)>();
        var loadClients = 30 * Budget.Scale;

        // Act: clients book one key after another until the restart is over, then one more
        var load = Enumerable.Range(0, loadClients).Select(i => Task.Run(async () =>
        {
            var guest = TestTokens.NewGuest();
            var token = TestTokens.For(guest);
            for (var n = 0; ; n++)
            {
                var done = restarted.Task.IsCompleted;
                var checkIn = Arrange.Today.AddDays(40 + ((i + n) % 200));
                var key = Guid.NewGuid().ToString();
                var (status, _) = await clients.BookAsync(host.Client, token, Http.BookingJson(accommodation, checkIn, checkIn.AddDays(1)), key,
                    _ => RequestBound, TimeSpan.FromSeconds(90), ct);
                outcomes.Add((guest, key, status == HttpStatusCode.Created));
                if (done || n > 400)
                {
                    return;
                }

                await Task.Delay(Random.Shared.Next(10, 50), ct);
            }
        }, ct)).ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        var downtime = Stopwatch.StartNew();
        await server.LocalCluster.RestartAsync(RestartDowntime, ct);
        downtime.Stop();
        restarted.SetResult();
        Tally.AddFaults();
        await Task.WhenAll(load);
        host.Database.Admin.Clear(); // the test's own pool holds dead connections too
        using var after = await Http.SendAsync(host.Client, HttpMethod.Post, "/api/bookings", TestTokens.For(TestTokens.NewGuest()),
            Http.BookingJson(accommodation, Arrange.Today.AddDays(300), Arrange.Today.AddDays(301)), ct: ct);

        // Assert
        Tally.Category($"RELIABILITY fault_restart{(host.Database.ThroughPgBouncer ? "_through_pgbouncer" : "")} clients={loadClients} bookings={outcomes.Count} answers_503={clients.Unavailable} " +
                       $"max_latency_ms={clients.MaxLatencyMs} restart_ms={downtime.ElapsedMilliseconds}");
        Assert.True(clients.Failures.IsEmpty, string.Join('\n', clients.Failures.Take(20)));
        // Straight to PostgreSQL the outage shows as 503s; through PgBouncer requests wait in its queue while the
        // server is down and complete after the restart. Either way some request must have met the outage.
        Assert.True(clients.Unavailable > 0 || clients.MaxLatencyMs >= RestartDowntime.TotalMilliseconds,
            "no request saw the outage (no 503, none waited it out): the restart did not happen under load");
        Assert.True(clients.ClientFaults == 0, $"{clients.ClientFaults} requests hung past {RequestBound}");
        Assert.True(host.Log.Errors.IsEmpty, "the host logged errors:\n" + string.Join('\n', host.Log.Errors.Take(10)));
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        foreach (var (guest, key, booked) in outcomes)
        {
            Assert.Equal(booked ? 1 : 0, await Arrange.BookingsWithKeyAsync(host.Database, guest, key, ct));
        }

        var report = await Invariants.CheckAsync(host.Database, [accommodation], ct);
        Tally.AddOversells(report.Oversells);
        Assert.True(report.Healthy, string.Join('\n', report.Violations));
    }
}

/// <summary>The tests above with the app's connections straight to PostgreSQL.</summary>
[UnsupportedOSPlatform("windows")]
[Collection(nameof(RunsAlone))]
public sealed class DatabaseRestartTests(HostFixture host) : DatabaseRestartTests<HostFixture>(host);

/// <summary>The tests above with the app's connections through PgBouncer in transaction mode.</summary>
[UnsupportedOSPlatform("windows")]
[Collection(nameof(RunsAlone))]
public sealed class DatabaseRestartTestsThroughPgBouncer(PgBouncerHostFixture host) : DatabaseRestartTests<PgBouncerHostFixture>(host);
