using System.Diagnostics;
using BookingFunctions.Bench;
using BookingFunctions.Bench.Workloads;
using Spectre.Console;

// ./bench [--quick] [--results DIR]: one run, one server, every workload side by side (issue 5).
if (OperatingSystem.IsWindows())
{
    Console.Error.WriteLine("The bench starts PostgreSQL from the local Linux binaries; run it on Linux.");
    return 2;
}

var options = BenchOptions.Parse(args);
var clock = Stopwatch.StartNew();
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

// A hard bound on the whole run: loads stop by themselves, this only catches a hung server.
// (--quick: W7 starts 33 host processes and W8 a standby, which takes minutes on a busy 2-core machine)
cancel.CancelAfter(options.Quick ? TimeSpan.FromMinutes(10) : TimeSpan.FromMinutes(60));
var ct = cancel.Token;

AnsiConsole.MarkupLine($"[bold]BookingFunctions bench[/]{(options.Quick ? " (--quick)" : "")}: starting PostgreSQL …");
await using var server = await BenchServer.StartAsync(options, ct);
AnsiConsole.MarkupLine(Markup.Escape($"PostgreSQL {server.ServerVersion} ({server.Source}); results to {options.ResultsDirectory}"));
if (options.Experiment is not null)
{
    AnsiConsole.MarkupLine(Markup.Escape($"EXPERIMENT {options.Experiment}: bench/sql/experiments/{options.Experiment}.sql applied on top of the migrations"));
}

BenchContext? context = null;
await AnsiConsole.Progress()
    .AutoClear(false)
    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
    .StartAsync(async progress =>
    {
        context = new BenchContext(options, server, new BenchProgress(progress));
        // Order: ceilings and the original design first, so every later row has its references.
        if (options.Runs("C"))
        {
            await CeilingWorkloads.RunAsync(context, ct);
        }
        if (options.Runs("O"))
        {
            await OriginalDesignWorkload.RunAsync(context, ct);
        }
        (string Id, Func<BenchContext, CancellationToken, Task> Run)[] product =
        [
            ("W1", HotPropertyWorkload.RunAsync),
            ("W2", FlashSaleWorkload.RunAsync),
            ("W3", PortfolioWorkload.RunAsync),
            ("W5", ReadsUnderWritesWorkload.RunAsync),
            ("W6", HttpEndToEndWorkload.RunAsync),
            ("W7", ScaleOutWorkload.RunAsync),
            ("W8", ReadReplicaWorkload.RunAsync),
            ("W9", GroupWorkload.RunAsync),
            ("W4", HistoryGrowthWorkload.RunAsync),
        ];
        foreach (var (_, workload) in product.Where(p => options.Runs(p.Id)))
        {
            server.UseExperiment = false;
            await workload(context, ct);
            if (options.Experiment is not null)
            {
                // A/B back to back: the machine's background load hits both variants alike
                server.UseExperiment = true;
                await workload(context, ct);
                server.UseExperiment = false;
            }
        }
    });

var c = context!;
var targets = Targets.Evaluate(c);
ConsoleReport.Print(c, targets);

var name = (options.Quick ? "latest-quick" : "latest") + (options.Experiment is { } e ? "-experiment-" + e : "")
           + (options.Only is { } only ? "-only-" + string.Join('-', only.Order(StringComparer.Ordinal)) : "");
var chart = Path.Combine(options.ResultsDirectory, name + ".png");
Directory.CreateDirectory(options.ResultsDirectory);
ChartWriter.Write(c, chart);
var markdown = MarkdownReport.Write(c, targets, Path.Combine(options.ResultsDirectory, name + ".md"), Path.GetFileName(chart), clock.Elapsed);
AnsiConsole.MarkupLine(Markup.Escape($"Wrote {markdown} and {chart} in {clock.Elapsed.TotalMinutes:0.0} min."));

// Exit non-zero only for a broken invariant (an oversell, a wrong sell-out count): a missed
// performance target is a finding for the report, not a failure of the bench itself.
var broken = targets.Any(t => t.Verdict == "MISS" && (t.Target.StartsWith("Oversells", StringComparison.Ordinal)
                                                     || t.Target.Contains("sell-out", StringComparison.Ordinal)));
return broken ? 1 : 0;
