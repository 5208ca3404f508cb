using ScottPlot;

namespace BookingFunctions.Bench;

/// <summary>bench/results/latest.png: TPS of every write load against the two ceilings, and p99 latencies.</summary>
public static class ChartWriter
{
    public static void Write(BenchContext c, string path)
    {
        var measured = c.Rows.Where(r => r.Measurement is not null).ToList();
        var writes = measured.Where(r => r.Ceiling != Ceiling.None).ToList();
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        var throughput = multiplot.GetPlot(0);
        var latency = multiplot.GetPlot(1);

        Bars(throughput, writes.Select(r => (r.Id, r.Measurement!.Tps)).ToList());
        throughput.Title("Throughput (successful calls/s), same run");
        throughput.Axes.Left.Label.Text = "TPS";

        Bars(latency, measured.Select(r => (r.Id, r.Measurement!.P99Ms)).ToList());
        latency.Title("p99 latency (ms)");
        latency.Axes.Left.Label.Text = "ms";

        multiplot.SavePng(path, 1400, 1000);
    }

    private static void Bars(Plot plot, IReadOnlyList<(string Label, double Value)> values)
    {
        var bars = values.Select((v, i) => new Bar
        {
            Position = i,
            Value = double.IsNaN(v.Value) ? 0 : v.Value,
            Label = double.IsNaN(v.Value) ? "" : v.Value.ToString(v.Value >= 100 ? "0" : "0.00", System.Globalization.CultureInfo.InvariantCulture),
            FillColor = v.Label.StartsWith('C') ? Colors.Gray : v.Label == "O1" ? Colors.OrangeRed : Colors.SteelBlue,
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            values.Select((v, i) => new Tick(i, v.Label)).ToArray());
        plot.Axes.Margins(bottom: 0);
    }
}
