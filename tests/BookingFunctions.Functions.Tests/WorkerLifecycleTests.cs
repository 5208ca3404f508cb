using BookingFunctions.Functions.Tests.Host;

namespace BookingFunctions.Functions.Tests;

/// <summary>
/// The worker process itself: it stops on the host's WorkerTerminate, and a missing required setting stops it
/// at start-up with the setting's name, before it serves anything.
/// </summary>
public sealed class WorkerLifecycleTests
{
    [Fact]
    public async Task WorkerTerminate_from_the_host_stops_the_worker_process()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await TestDatabaseServer.GetAsync();
        await using var database = await server.CreateDatabaseAsync(nameof(WorkerLifecycleTests), ct);
        await using var host = await FunctionsHost.StartAsync(WorkerFixture.AppSettings(database.AppConnectionString), ct);

        // Act
        var exited = await host.TerminateAsync(FunctionsHost.StartupBound, ct);

        // Assert
        Assert.True(exited, $"the worker was still running after WorkerTerminate:\n{host.Process.Output}");
        Assert.Equal(0, host.Process.ExitCode);
    }

    [Fact]
    public async Task A_missing_connection_string_stops_the_worker_at_start_up_with_the_setting_it_needs()
    {
        // Act
        var exit = await Assert.ThrowsAsync<WorkerExitedException>(() =>
            FunctionsHost.StartAsync(WorkerFixture.AppSettings(connectionString: null), TestContext.Current.CancellationToken));

        // Assert
        Assert.NotEqual(0, exit.ExitCode);
        Assert.Contains("stderr: BookingFunctions cannot start: Set ConnectionStrings:BookingDb", exit.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_audience_stops_the_worker_at_start_up_with_the_setting_it_needs()
    {
        // Act
        var exit = await Assert.ThrowsAsync<WorkerExitedException>(() =>
            FunctionsHost.StartAsync(WorkerFixture.AppSettings("Host=127.0.0.1;Database=none", audience: null), TestContext.Current.CancellationToken));

        // Assert
        Assert.NotEqual(0, exit.ExitCode);
        Assert.Contains("stderr: BookingFunctions cannot start: Booking:Auth needs Audience", exit.Output, StringComparison.Ordinal);
    }
}
