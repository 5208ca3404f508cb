using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using BookingFunctions.Database;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// Reads from a hot standby, decisions on the primary: availability and GET booking go to BookingDbReadOnly, every
/// create / confirm / cancel / assign to BookingDb. A standby answer may lag the primary by the replay delay; the
/// booking decides under its locks on the primary, so a stale answer can never sell a room twice.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ReadReplicaTests(ReplicaHostFixture fixture) : IClassFixture<ReplicaHostFixture>
{
    private static async Task<bool> InRecoveryAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition("select pg_is_in_recovery()", cancellationToken: ct));
    }

    private async Task<int> AvailableOverHttpAsync(Guid accommodation, (DateOnly CheckIn, DateOnly CheckOut) stay, CancellationToken ct)
    {
        using var response = await fixture.Host.Client.SendAsync(HttpMethod.Get,
            $"/api/accommodations/{accommodation}/availability?checkIn={Api.Date(stay.CheckIn)}&checkOut={Api.Date(stay.CheckOut)}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AvailabilityDto>(Api.Json, ct))!.Available!.Value;
    }

    private static async Task<int> AvailableOnAsync(NpgsqlDataSource dataSource, Guid accommodation, (DateOnly CheckIn, DateOnly CheckOut) stay,
        CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select check_availability_with_lock(@accommodation, @CheckIn, @CheckOut)",
            new { accommodation, stay.CheckIn, stay.CheckOut }, cancellationToken: ct));
    }

    private async Task<Guid> BookOverHttpAsync(Guid accommodation, (DateOnly CheckIn, DateOnly CheckOut) stay, string token)
    {
        using var response = await fixture.Host.Client.SendAsync(HttpMethod.Post, "/api/bookings", token,
            Api.BookingBody(accommodation, stay.CheckIn, stay.CheckOut), Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<BookingDto>(Api.Json))!.Id;
    }

    private async Task SetReplayPausedAsync(bool paused, CancellationToken ct)
    {
        await using var connection = await fixture.StandbyAdmin.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(paused ? "select pg_wal_replay_pause()" : "select pg_wal_replay_resume()",
            cancellationToken: ct));
        // a pause is only requested by the call; it holds once the startup process has stopped between records
        var until = DateTime.UtcNow + ReplicaHostFixture.ReplayBound;
        while (paused && await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                   "select pg_get_wal_replay_pause_state()", cancellationToken: ct)) != "paused")
        {
            Assert.True(DateTime.UtcNow < until, "the standby did not pause replay");
            await Task.Delay(20, ct);
        }
    }

    [Fact]
    public async Task The_host_reads_from_the_standby_and_decides_on_the_primary()
    {
        fixture.SkipWithoutStandby();
        var ct = TestContext.Current.CancellationToken;

        // Act
        var decisions = await InRecoveryAsync(fixture.Host.Services.GetRequiredService<NpgsqlDataSource>(), ct);
        var reads = await InRecoveryAsync(fixture.Host.Services.GetRequiredKeyedService<NpgsqlDataSource>(BookingDataSource.ReadsKey), ct);

        // Assert
        Assert.Equal((false, true), (decisions, reads));
    }

    [Fact]
    public async Task A_multi_host_BookingDb_sends_decisions_to_the_primary_and_reads_to_the_standby_whatever_order_the_hosts_are_in()
    {
        fixture.SkipWithoutStandby();
        var ct = TestContext.Current.CancellationToken;
        var primary = new NpgsqlConnectionStringBuilder(fixture.Database.DirectAppConnectionString);
        var standby = new NpgsqlConnectionStringBuilder(fixture.StandbyAppConnectionString);
        // the standby first: a plain failover list would send everything to it
        primary.Host = $"{standby.Host}:{standby.Port},{primary.Host}:{primary.Port}";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:BookingDb"] = primary.ConnectionString,
            ["Booking:Auth:Issuer"] = TestTokens.Issuer,
            ["Booking:Auth:Audience"] = TestTokens.Audience,
            ["Booking:Auth:DevSigningKey"] = TestTokens.SigningKey,
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddBooking(configuration).BuildServiceProvider();

        // Act
        var decisions = await InRecoveryAsync(services.GetRequiredService<NpgsqlDataSource>(), ct);
        var reads = await InRecoveryAsync(services.GetRequiredKeyedService<NpgsqlDataSource>(BookingDataSource.ReadsKey), ct);

        // Assert
        Assert.Equal((false, true), (decisions, reads));
    }

    [Fact]
    public async Task Without_a_replica_the_reads_use_the_decisions_pool_itself()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:BookingDb"] = "Host=127.0.0.1;Database=booking;Username=app",
            ["Booking:Auth:Issuer"] = TestTokens.Issuer,
            ["Booking:Auth:Audience"] = TestTokens.Audience,
            ["Booking:Auth:DevSigningKey"] = TestTokens.SigningKey,
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddBooking(configuration).BuildServiceProvider();

        // Act
        var decisions = services.GetRequiredService<NpgsqlDataSource>();
        var reads = services.GetRequiredKeyedService<NpgsqlDataSource>(BookingDataSource.ReadsKey);

        // Assert
        Assert.Same(decisions, reads);
    }

    [Fact]
    public async Task While_replay_is_paused_availability_answers_from_the_standby_and_bookings_are_still_decided_and_found_on_the_primary()
    {
        fixture.SkipWithoutStandby();
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(fixture.Database, rooms: 3, ct: ct);
        var stay = Arrange.Stay(daysAhead: 60, nights: 2);
        var guest = TestTokens.NewGuest();
        var token = TestTokens.For(guest);
        await fixture.WaitForReplayAsync(ct);
        Assert.Equal(3, await AvailableOverHttpAsync(accommodation, stay, ct));
        await SetReplayPausedAsync(true, ct);
        try
        {
            // Act
            var id = await BookOverHttpAsync(accommodation, stay, token);
            var fromStandby = await AvailableOverHttpAsync(accommodation, stay, ct);
            var onPrimary = await AvailableOnAsync(fixture.Database.App, accommodation, stay, ct);
            using var read = await fixture.Host.Client.SendAsync(HttpMethod.Get, $"/api/bookings/{id}", token);
            using var confirm = await fixture.Host.Client.SendAsync(HttpMethod.Post, $"/api/bookings/{id}/confirm", token);

            // Assert: the standby has not seen the booking, the primary has decided it
            Assert.Equal((3, 2), (fromStandby, onPrimary));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode); // a miss on the standby is asked again on the primary
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
            Assert.Equal(1, await Arrange.BookingCountAsync(fixture.Database, accommodation, ct));
        }
        finally
        {
            await SetReplayPausedAsync(false, CancellationToken.None);
        }

        // and once replayed, the standby answers like the primary
        await fixture.WaitForReplayAsync(ct);
        Assert.Equal(2, await AvailableOverHttpAsync(accommodation, stay, ct));
    }

    [Fact]
    public async Task A_booking_made_on_the_primary_becomes_visible_to_availability_on_the_standby_after_replay()
    {
        fixture.SkipWithoutStandby();
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(fixture.Database, rooms: 5, ct: ct);
        var stay = Arrange.Stay(daysAhead: 70, nights: 3);
        for (var i = 0; i < 3; i++)
        {
            await BookOverHttpAsync(accommodation, stay, TestTokens.For(TestTokens.NewGuest()));
        }

        // Act: ask the host (which reads the standby) until it shows the three bookings, within a generous bound
        var clock = Stopwatch.StartNew();
        int seen;
        while ((seen = await AvailableOverHttpAsync(accommodation, stay, ct)) != 2 && clock.Elapsed < ReplicaHostFixture.ReplayBound)
        {
            await Task.Delay(20, ct);
        }

        // Assert
        Assert.Equal(2, seen);
        TestContext.Current.TestOutputHelper?.WriteLine($"visible on the standby {clock.ElapsedMilliseconds} ms after the last 201");
    }

    [Fact]
    public async Task On_the_standby_the_app_role_can_read_availability_and_bookings_and_every_decision_is_refused()
    {
        fixture.SkipWithoutStandby();
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(fixture.Database, rooms: 4, ct: ct);
        var stay = Arrange.Stay(daysAhead: 80, nights: 2);
        var booking = await Arrange.BookingAsync(fixture.Database, accommodation, stay.CheckIn, stay.CheckOut, ct: ct);
        await fixture.WaitForReplayAsync(ct);
        await using var standby = NpgsqlDataSource.Create(fixture.StandbyAppConnectionString);
        await using var connection = await standby.OpenConnectionAsync(ct);
        var args = new { accommodation, booking, stay.CheckIn, stay.CheckOut };

        // Act
        var available = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select check_availability_with_lock(@accommodation, @CheckIn, @CheckOut)", args, cancellationToken: ct));
        var many = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select available from check_availability_many(array[@accommodation], array[@CheckIn], array[@CheckOut])", args, cancellationToken: ct));
        var found = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition("select id from get_booking(@booking)", args, cancellationToken: ct));
        var refusals = new List<string?>();
        foreach (var decision in new[]
                 {
                     "select create_booking_with_atomic_lock(@accommodation, 'standby-guest', @CheckIn, @CheckOut)",
                     "select * from create_bookings(array[@accommodation], array['standby-guest'], array[@CheckIn], array[@CheckOut], array[1], array[null::text])",
                     "select confirm_booking(@booking)",
                     "select cancel_booking(@booking)",
                     "select assign_accommodation_item_atomically(@booking)",
                 })
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(decision, args, cancellationToken: ct));
                refusals.Add(null);
            }
            catch (PostgresException e)
            {
                refusals.Add(e.SqlState);
            }
        }

        // Assert: 25006 read_only_sql_transaction — a decision can only ever be made on the primary
        Assert.Equal((3, 3, booking), (available, many, found));
        Assert.All(refusals, state => Assert.Equal("25006", state));
    }
}
