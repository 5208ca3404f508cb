using BookingFunctions.Functions.Tests.Rpc;

namespace BookingFunctions.Functions.Tests;

/// <summary>
/// DoubleBookingMonitor fired as the host fires a timer (TimerInfo JSON), its logs read where the host reads
/// them: RpcLog messages on the worker's stream, tagged with the invocation.
/// </summary>
[Collection(SharedWorker.Name)]
public sealed class MonitorFunctionTests(WorkerFixture worker)
{
    private const string Category = "BookingFunctions.Monitoring.DoubleBookingMonitor";

    [Fact]
    public async Task A_clean_audit_sends_one_Information_line_and_no_error_to_the_host()
    {
        var ct = TestContext.Current.CancellationToken;

        var mark = worker.Host.Logs.Count;

        // Act
        var invocation = await worker.Host.FireTimerAsync("DoubleBookingMonitor", ct);

        // Assert
        Assert.Equal(StatusResult.Types.Status.Success, invocation.Result.Status);
        var logs = await MonitorLogsAsync(mark, ct);
        Assert.DoesNotContain(logs, l => l.Level >= RpcLog.Types.Level.Warning);
        var clean = Assert.Single(logs, l => l.Level == RpcLog.Types.Level.Information);
        Assert.StartsWith("Booking audit clean", clean.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_night_counter_corrupted_behind_the_functions_back_is_sent_to_the_host_as_an_Error()
    {
        var ct = TestContext.Current.CancellationToken;
        var accommodation = await Arrange.AccommodationAsync(worker.Database, rooms: 3);
        var (checkIn, checkOut) = Arrange.Stay(daysAhead: 60);
        await Arrange.BookingAsync(worker.Database, accommodation, checkIn, checkOut);
        const string Drift = "update booking.night_inventory set reserved = reserved + @by where accommodation_id = @accommodation and night = @night";
        await Arrange.ExecuteAsync(worker.Database, Drift, new { by = 1, accommodation, night = checkIn });
        try
        {
            var mark = worker.Host.Logs.Count;

            // Act
            var invocation = await worker.Host.FireTimerAsync("DoubleBookingMonitor", ct);

            // Assert
            Assert.Equal(StatusResult.Types.Status.Success, invocation.Result.Status);
            var logs = await MonitorLogsAsync(mark, ct);
            var finding = Assert.Single(logs, l => l.Level == RpcLog.Types.Level.Error);
            Assert.Contains("counter_drift", finding.Message, StringComparison.Ordinal);
            Assert.Contains(accommodation.ToString(), finding.Message, StringComparison.Ordinal);
            Assert.Contains(Api.Date(checkIn), finding.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(logs, l => l.Level == RpcLog.Types.Level.Information);
        }
        finally
        {
            await Arrange.ExecuteAsync(worker.Database, Drift, new { by = -1, accommodation, night = checkIn });
        }
    }

    /// <summary>
    /// The monitor's log lines of the run fired after <paramref name="mark"/>: the worker writes a log to the stream
    /// before the invocation's answer, but a busy machine may deliver them close together, so wait for the run's last
    /// line (its summary or a finding) with a generous bound.
    /// </summary>
    private async Task<List<RpcLog>> MonitorLogsAsync(int mark, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var logs = worker.Host.LogsAfter(mark).Where(l => l.Category == Category).ToList();
            if (logs.Any(l => l.Level is RpcLog.Types.Level.Information or RpcLog.Types.Level.Error) || DateTime.UtcNow > deadline)
            {
                return logs;
            }

            await Task.Delay(50, ct);
        }
    }
}
