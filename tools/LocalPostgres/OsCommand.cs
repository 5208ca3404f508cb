using System.Diagnostics;

namespace BookingFunctions.LocalPostgres;

/// <summary>Runs a program to completion; as root, PostgreSQL programs run as an unprivileged service user.</summary>
internal static class OsCommand
{
    // Environment.UserName resolves the effective uid on Unix.
    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, string? asUser, CancellationToken cancellationToken)
    {
        var info = asUser is null ? new ProcessStartInfo(file) : new ProcessStartInfo("runuser");
        if (asUser is not null)
        {
            foreach (var a in new[] { "-u", asUser, "--", file })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(info) ?? throw new LocalPostgresException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = (await stdout) + (await stderr);
        if (process.ExitCode != 0)
        {
            throw new LocalPostgresException($"{Path.GetFileName(file)} failed (exit {process.ExitCode}): {output.Trim()}");
        }

        return output;
    }

    public static async Task<bool> SucceedsAsync(string file, IEnumerable<string> arguments, string? asUser, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(file, arguments, asUser, cancellationToken);
            return true;
        }
        catch (LocalPostgresException)
        {
            return false;
        }
    }
}
