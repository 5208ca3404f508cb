using System.Diagnostics;

namespace BookingFunctions.Infra.Tests;

/// <summary>Runs the Bicep CLI; its diagnostics (warnings included) come on stderr, one per line.</summary>
internal static class BicepCli
{
    public sealed record Result(int ExitCode, string Output, string Diagnostics);

    public static async Task<Result> RunAsync(CancellationToken ct, params string[] args)
    {
        var start = new ProcessStartInfo(Repository.Bicep)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Infra,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // the CLI is a .NET app: without ICU on the machine it must not need culture data
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        // offline: no registry modules, no telemetry, no update check
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Repository.Bicep}.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var diagnostics = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return new Result(process.ExitCode, await output, await diagnostics);
    }
}
