using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace BookingFunctions.Bench;

/// <summary>One client call. Returns normally on success; throws on failure.</summary>
public delegate Task ClientCall(int client, Random random, CancellationToken ct);

/// <summary>
/// N clients, each calling back to back (closed loop: the next call starts when the previous one
/// returned) for a warm-up, then a measured window. Stops by itself: at the end of the window, after
/// MaxRequests calls, or for a client once StopClientOn says so (a sold-out answer).
/// </summary>
public sealed class ClosedLoop
{
    public required int Clients { get; init; }

    public required TimeSpan Warmup { get; init; }

    public required TimeSpan Duration { get; init; }

    public required long MaxRequests { get; init; }

    public Func<string, bool>? StopClientOn { get; init; }

    /// <summary>Calls finished so far (for the progress display).</summary>
    public long Completed => Interlocked.Read(ref _completed);

    private long _completed;

    public async Task<Measurement> RunAsync(ClientCall call, CancellationToken ct)
    {
        var errors = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var histograms = new HdrHistogram.HistogramBase[Clients];
        var ok = new long[Clients];
        var started = Stopwatch.GetTimestamp();
        var measureFrom = started + (long)(Warmup.TotalSeconds * Stopwatch.Frequency);
        var stopAt = measureFrom + (long)(Duration.TotalSeconds * Stopwatch.Frequency);
        long issued = 0;

        async Task Client(int index)
        {
            // each client has its own random stream and histogram: nothing is shared on the hot path
            var random = new Random(unchecked((index + 1) * 7919));
            var histogram = Measurement.NewHistogram();
            histograms[index] = histogram;
            while (!ct.IsCancellationRequested && Interlocked.Increment(ref issued) <= MaxRequests)
            {
                var begin = Stopwatch.GetTimestamp();
                if (begin >= stopAt)
                {
                    break;
                }

                string? error = null;
                try
                {
                    await call(index, random, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    error = Kind(e);
                }

                var end = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref _completed);
                var measured = begin >= measureFrom;
                if (error is null)
                {
                    if (measured)
                    {
                        histogram.RecordValue(Math.Min(Measurement.HighestMicros, (end - begin) * 1_000_000 / Stopwatch.Frequency));
                        ok[index]++;
                    }
                }
                else
                {
                    if (measured || StopClientOn is not null)
                    {
                        errors.AddOrUpdate(error, 1, (_, n) => n + 1);
                    }

                    if (StopClientOn?.Invoke(error) == true)
                    {
                        break;
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => Task.Run(() => Client(i), ct)));
        var finished = Stopwatch.GetTimestamp();
        var merged = Measurement.NewHistogram();
        foreach (var h in histograms)
        {
            merged.Add(h);
        }

        // the window is the measured part; a run that ended early (sold out) counts until its end
        var elapsed = TimeSpan.FromSeconds((Math.Min(finished, stopAt) - Math.Min(measureFrom, finished)) / (double)Stopwatch.Frequency);
        if (StopClientOn is not null)
        {
            elapsed = TimeSpan.FromSeconds((finished - started) / (double)Stopwatch.Frequency);
        }

        return new Measurement(Clients, elapsed, ok.Sum(), merged, new Dictionary<string, long>(errors, StringComparer.Ordinal));
    }

    public static string Kind(Exception e) => e switch
    {
        HttpAnswerException answer => answer.Kind,
        PostgresException pg => pg.SqlState,
        NpgsqlException { InnerException: TimeoutException } => "client-timeout",
        HttpRequestException http => http.StatusCode is { } status ? $"HTTP {(int)status}" : "http-error",
        _ => e.GetType().Name,
    };
}
