using System.Runtime.Versioning;

namespace BookingFunctions.Bench.Workloads;

/// <summary>
/// W6: the standalone ASP.NET Core host on loopback under 64 clients (create + availability), compared
/// with the same calls made directly on the database in the same run. The host is built on another
/// branch; until it is merged here this workload reports that it did not run, with no numbers.
/// </summary>
[UnsupportedOSPlatform("windows")]
public static class HttpEndToEndWorkload
{
    public const string NotAvailable = "not run: host not available";

    public static Task RunAsync(BenchContext c, CancellationToken ct)
    {
        _ = ct;
        c.Add(new ResultRow("W6", $"W6 HTTP end-to-end, {c.Options.HttpClients} clients", Ceiling.RandomRow, null, null, null,
            "StandaloneHost is not in this branch yet", NotRun: NotAvailable));
        return Task.CompletedTask;
    }
}
