using HdrHistogram;

namespace BookingFunctions.Bench;

/// <summary>What one closed-loop run measured: successful calls, their latencies (µs), errors by kind.</summary>
public sealed class Measurement
{
    // 60 s in microseconds, 3 significant digits: any call the bench can make fits.
    public const long HighestMicros = 60_000_000;

    public Measurement(int clients, TimeSpan elapsed, long ok, HistogramBase latency, IReadOnlyDictionary<string, long> errors)
    {
        Clients = clients;
        Elapsed = elapsed;
        Ok = ok;
        Latency = latency;
        Errors = errors;
    }

    public int Clients { get; }

    public TimeSpan Elapsed { get; }

    public long Ok { get; }

    /// <summary>Latency of the successful calls.</summary>
    public HistogramBase Latency { get; }

    /// <summary>Failed calls by SQLSTATE (or exception type when there is none).</summary>
    public IReadOnlyDictionary<string, long> Errors { get; }

    public double Tps => Elapsed.TotalSeconds > 0 ? Ok / Elapsed.TotalSeconds : 0;

    public double P50Ms => PercentileMs(50);

    public double P95Ms => PercentileMs(95);

    public double P99Ms => PercentileMs(99);

    public double PercentileMs(double percentile) =>
        Latency.TotalCount == 0 ? double.NaN : Latency.GetValueAtPercentile(percentile) / 1000.0;

    public static HistogramBase NewHistogram() => new LongHistogram(HighestMicros, 3);
}
