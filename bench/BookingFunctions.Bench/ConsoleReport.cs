using Spectre.Console;

namespace BookingFunctions.Bench;

/// <summary>Prints the results and the targets to the terminal.</summary>
public static class ConsoleReport
{
    public static void Print(BenchContext c, IReadOnlyList<TargetResult> targets)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("BookingFunctions bench" + (c.Options.Quick ? " (--quick)" : ""));
        // the note column is long; the markdown file has it in full
        foreach (var h in ReportTable.Header.Take(13))
        {
            table.AddColumn(new TableColumn(Markup.Escape(h)));
        }

        foreach (var row in ReportTable.Rows(c))
        {
            table.AddRow(row.Take(13).Select(cell => new Markup(Markup.Escape(cell))).ToArray());
        }

        AnsiConsole.Write(table);

        var verdicts = new Table().Border(TableBorder.Rounded).Title("Targets (issues 5 and 14)");
        verdicts.AddColumns("Target", "Measured", "Verdict");
        foreach (var t in targets)
        {
            var colour = t.Verdict switch { "PASS" => "green", "MISS" => "red", _ => "yellow" };
            verdicts.AddRow(new Markup(Markup.Escape(t.Target)), new Markup(Markup.Escape(t.Measured)),
                new Markup($"[{colour}]{t.Verdict}[/]"));
        }

        AnsiConsole.Write(verdicts);
        foreach (var f in c.Findings)
        {
            AnsiConsole.MarkupLine(Markup.Escape("• " + f));
        }
    }
}
