using BookingFunctions.Functions.Tests.Host;
using BookingFunctions.Functions.Tests.Rpc;

namespace BookingFunctions.Functions.Tests;

/// <summary>
/// The worker process itself: it stops on the host's WorkerTerminate (also one sent while it is still starting),
/// and a missing required setting stops it at start-up with the setting's name, before it serves anything.
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
        Assert.True(host.Process.ExitCode == 0, $"the worker exited with {host.Process.ExitCode}:\n{host.Process.Output}");
    }

    /// <summary>
    /// The host may terminate a worker at any time, also while it is still starting: under load that lands
    /// while the worker's Kestrel is binding, which used to end the worker with an unhandled exception (134).
    /// </summary>
    [Fact]
    public async Task WorkerTerminate_right_after_StartStream_stops_the_worker_cleanly_even_mid_start_up()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await RpcServer.StartAsync(ct);
        var workerId = Guid.NewGuid().ToString();
        var connected = server.Workers.WaitForAsync(workerId);
        await using var worker = WorkerProcess.Start(FunctionsApp.Directory, server.Uri, workerId, WorkerFixture.AppSettings("Host=127.0.0.1;Database=none"));
        var channel = await connected.WaitAsync(FunctionsHost.StartupBound, ct);

        // Act
        await channel.SendAsync(new StreamingMessage { WorkerTerminate = new WorkerTerminate() }, ct);
        await worker.Exited.WaitAsync(FunctionsHost.StartupBound, ct);

        // Assert
        Assert.True(worker.ExitCode == 0, $"the worker exited with {worker.ExitCode}:\n{worker.Output}");
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
