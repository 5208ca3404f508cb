using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.DevRunner;

/// <summary>
/// ./run functions: the real Azure Functions host (`func start`) over the embedded database, where Azure
/// Functions Core Tools are installed. Everywhere else it says what to install.
/// </summary>
internal static class FunctionsCommand
{
    public static async Task<int> ExecuteAsync(DevSettings settings, string repositoryRoot, CancellationToken ct)
    {
        if (FindOnPath("func") is not { } func)
        {
            throw new DevRunnerException(
                "`func` was not found: install Azure Functions Core Tools 4 (`npm i -g azure-functions-core-tools@4`, " +
                "whose installer downloads the tools from Microsoft) to run the Functions host here; `./run` serves the same handlers on the same routes.");
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
