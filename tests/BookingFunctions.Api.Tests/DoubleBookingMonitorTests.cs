using System.Runtime.Versioning;
using BookingFunctions.Monitoring;
using BookingFunctions.Testing;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace BookingFunctions.Api.Tests;

/// <summary>
/// The audit against a database of its own (a corrupted row anywhere would show in every run): exactly one
/// Error per finding, an Information line when clean, stale holds released first.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DoubleBookingMonitorTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private readonly FakeLogger<DoubleBookingMonitor> _logger = new();

    private DoubleBookingMonitor Monitor(int batch = 500, int? auditDaysBack = 1) =>
        new(TestDatabaseCalls.For(fixture.Database.App), Options.Create(new MonitorOptions { ExpireBatchSize = batch, AuditDaysBack = auditDaysBack }),
            new AuditStatus(), TimeProvider.System, _logger);

    private async Task CorruptAsync(string sql, object args)
    {
        await using var connection = await fixture.Database.Admin.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, args, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Each_corrupted_row_is_logged_as_exactly_one_structured_error_and_a_clean_database_as_one_information_line()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = fixture.Database;

        // a healthy database, including stale holds that the run must release first
        var accommodation = await Arrange.AccommodationAsync(db, rooms: 3, ct: ct);
        var (checkIn, checkOut) = Arrange.Stay(nights: 2);
        var bookings = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            bookings.Add(await Arrange.BookingAsync(db, accommodation, checkIn, checkOut, ct: ct));
        }

        var stale = new List<Guid>();
        var other = await Arrange.AccommodationAsync(db, rooms: 10, ct: ct);
        for (var i = 0; i < 5; i++)
        {
            stale.Add(await Arrange.BookingAsync(db, other, checkIn, checkOut, ct: ct));
        }

        // after all are made: a booker releases the stale holds it meets, which would leave the audit nothing to do
        foreach (var hold in stale)
        {
            await Arrange.ExpireHoldAsync(db, hold, ct);
        }

        // Act
        var clean = await Monitor(batch: 2).RunAsync(ct);

        // Assert
        Assert.True(clean.IsClean);
        Assert.Equal(5, clean.ExpiredHolds);
        foreach (var id in stale)
        {
            Assert.Equal("expired", await Arrange.StatusAsync(db, id, ct));
        }

        var records = _logger.Collector.GetSnapshot();
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Warning);
        var info = Assert.Single(records, r => r.Level == LogLevel.Information);
        Assert.Equal("5", info.GetStructuredStateValue("ExpiredHolds"));
        _logger.Collector.Clear();

        // behind the functions' back: a fourth booking on the second night of a 3-room type (an oversell, and that
        // night's counter now behind), and the first night's counter drifted down by one. (Raising a counter above
        // the night's capacity is refused by the night_inventory_within_capacity check itself.)
        var sneaky = Guid.Empty;
        await using (var connection = await db.Admin.OpenConnectionAsync(ct))
        {
            sneaky = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
                """
                insert into booking.bookings (accommodation_id, guest_id, check_in, check_out, guests, status)
                values (@accommodation, 'sneaky', @night, @checkOut, 1, 'confirmed') returning id
                """, new { accommodation, night = checkIn.AddDays(1), checkOut }, cancellationToken: ct));
        }

        await CorruptAsync("update booking.night_inventory set reserved = reserved - 1 where accommodation_id = @accommodation and night = @night",
            new { accommodation, night = checkIn });

        // Act
        var corrupted = await Monitor().RunAsync(ct);

        // Assert
        Assert.Equal(3, corrupted.Findings.Count);
        var errors = _logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Error).ToList();
        Assert.Equal(3, errors.Count);
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Information);
        Assert.All(errors, e => Assert.Equal(accommodation.ToString(), e.GetStructuredStateValue("AccommodationId")));
        var oversold = Assert.Single(errors, e => e.GetStructuredStateValue("Issue") == "oversold_night");
        Assert.Equal(Api.Date(checkIn.AddDays(1)), oversold.GetStructuredStateValue("Night"));
        Assert.Equal(string.Join(',', bookings.Append(sneaky).Order()), oversold.GetStructuredStateValue("BookingIds"));
        Assert.Equal(("4", "3"), (oversold.GetStructuredStateValue("Booked"), oversold.GetStructuredStateValue("Capacity")));
        var drift = errors.Where(e => e.GetStructuredStateValue("Issue") == "counter_drift")
            .Select(e => (e.GetStructuredStateValue("Night"), e.GetStructuredStateValue("Booked"), e.GetStructuredStateValue("Recorded")))
            .OrderBy(d => d.Item1, StringComparer.Ordinal).ToList();
        Assert.Equal([(Api.Date(checkIn), "3", "2"), (Api.Date(checkIn.AddDays(1)), "4", "3")], drift);

        // repair, and the next run is clean again
        await CorruptAsync("delete from booking.bookings where id = @sneaky", new { sneaky });
        await CorruptAsync("update booking.night_inventory set reserved = reserved + 1 where accommodation_id = @accommodation and night = @night",
            new { accommodation, night = checkIn });
        _logger.Collector.Clear();

        // Act
        var repaired = await Monitor().RunAsync(ct);

        // Assert
        Assert.True(repaired.IsClean);
        Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Information);
    }

    [Fact]
    public async Task The_monitor_audits_from_yesterday_by_default_and_the_whole_history_when_told()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(fixture.Database, rooms: 1, ct: ct);
        var lastMonth = Arrange.Today.AddDays(-30);
        // a night long past sold twice behind the functions' back (its counter at the one room: a counter above its
        // night's capacity is refused by the night_inventory_within_capacity check itself, so it drifts as well)
        await CorruptAsync(
            """
            insert into booking.bookings (accommodation_id, guest_id, check_in, check_out, guests, status)
            select @accommodation, 'past-' || g, @lastMonth, @lastMonth + 1, 1, 'confirmed' from generate_series(1, 2) g;
            insert into booking.night_inventory (accommodation_id, night, reserved, capacity) values (@accommodation, @lastMonth, 1, 1);
            """, new { accommodation, lastMonth });
        _logger.Collector.Clear();

        // Act
        var fromYesterday = await Monitor().RunAsync(ct);
        var wholeHistory = await Monitor(auditDaysBack: null).RunAsync(ct);

        // Assert
        Assert.True(fromYesterday.IsClean);
        Assert.Equal(["counter_drift", "oversold_night"], wholeHistory.Findings.Select(f => f.Issue).Order(StringComparer.Ordinal));
        Assert.All(wholeHistory.Findings, f => Assert.Equal(accommodation, f.AccommodationId));
        await CorruptAsync("delete from booking.bookings where accommodation_id = @accommodation; delete from booking.night_inventory where accommodation_id = @accommodation",
            new { accommodation });
    }

    [Fact]
    public async Task The_schedule_is_six_field_CRON_and_a_bad_one_fails_validation()
    {
        // Act
        var next = new MonitorOptions().ParsedSchedule().GetNextOccurrence(new DateTime(2030, 1, 1, 0, 1, 0, DateTimeKind.Utc));

        // Assert
        Assert.Equal(new DateTime(2030, 1, 1, 0, 5, 0, DateTimeKind.Utc), next);
        Assert.False(MonitorOptions.IsValid(new MonitorOptions { Schedule = "*/5 * * * *" }));
        await Task.CompletedTask;
    }
}
