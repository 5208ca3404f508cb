using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.DevRunner;

/// <summary>
/// ./run functions: the real Azure Functions host (`func start`) on the same database, where Azure Functions
/// Core Tools are installed and the worker packages restore. Everywhere else it says why it cannot.
/// </summary>
internal static class FunctionsCommand
{
    public static async Task<int> ExecuteAsync(DevSettings settings, string repositoryRoot, CancellationToken ct)
    {
        if (FindOnPath("func") is not { } func)
        {
            throw new DevRunnerException(
                "Azure Functions Core Tools (`func`) are not installed, so the Functions host cannot start here. " +
                "Install them (npm i -g azure-functions-core-tools@4, or Microsoft's packages) on a machine that reaches the " +
                "public NuGet registry, then run `./run functions` again. `./run` serves the same handlers on the same routes meanwhile.");
        }

        DevHost.RequireFreePort(settings.HttpPort);
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        await using var database = await DevDatabase.StartAsync(settings, logging, ct);
        var tokens = new DevTokens(DevSecrets.Get(settings.DataDirectory, "dev-signing-key"), TimeProvider.System);
        var start = new ProcessStartInfo(func) { WorkingDirectory = repositoryRoot };
        foreach (var a in new[] { "start", "--csharp", "--port", settings.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        // Environment variables override local.settings.json, so the sample's placeholders never matter here.
        start.Environment["ConnectionStrings__BookingDb"] = database.AppConnectionString;
        start.Environment["Booking__Auth__Issuer"] = DevTokens.Issuer;
        start.Environment["Booking__Auth__Audience"] = DevTokens.Audience;
        start.Environment["Booking__Auth__DevSigningKey"] = tokens.SigningKey;
        Console.WriteLine($"export TOKEN={tokens.For("demo-guest")}");
        Console.WriteLine($"export STAFF_TOKEN={tokens.For("demo-staff", staff: true)}");
        using var process = Process.Start(start) ?? throw new DevRunnerException("Could not start `func`.");
        await process.WaitForExitAsync(ct);
        return process.ExitCode;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
