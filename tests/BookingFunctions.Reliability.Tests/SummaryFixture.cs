[assembly: AssemblyFixture(typeof(BookingFunctions.Reliability.Tests.SummaryFixture))]

namespace BookingFunctions.Reliability.Tests;

/// <summary>
/// Prints the run's summary once every test has finished. Three outlets, because each runner shows a different
/// one: a diagnostic message (shown by `dotnet test` when xunit.runner.json enables diagnosticMessages), stdout
/// (the in-process runner), and a file next to the assembly (for CI to attach or grep).
/// </summary>
public sealed class SummaryFixture : IAsyncLifetime
{
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        var lines = Tally.Lines.OrderBy(l => l, StringComparer.Ordinal).Append(Tally.Total()).ToList();
        foreach (var line in lines)
        {
            TestContext.Current.SendDiagnosticMessage(line);
            Console.WriteLine(line);
        }

        await File.WriteAllLinesAsync(Path.Combine(AppContext.BaseDirectory, "reliability-summary.txt"), lines, CancellationToken.None);
    }
}
