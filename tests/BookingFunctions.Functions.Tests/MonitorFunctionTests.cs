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

        // Act
        var invocation = await worker.Host.FireTimerAsync("DoubleBookingMonitor", ct);

        // Assert
        Assert.Equal(StatusResult.Types.Status.Success, invocation.Result.Status);
        var logs = worker.Host.LogsOf(invocation.InvocationId).Where(l => l.Category == Category).ToList();
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
            // Act
            var invocation = await worker.Host.FireTimerAsync("DoubleBookingMonitor", ct);

            // Assert
            Assert.Equal(StatusResult.Types.Status.Success, invocation.Result.Status);
            var logs = worker.Host.LogsOf(invocation.InvocationId).Where(l => l.Category == Category).ToList();
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
}
