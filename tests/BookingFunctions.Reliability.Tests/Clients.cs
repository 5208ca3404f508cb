using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace BookingFunctions.Reliability.Tests;

/// <summary>
/// A well-behaved mobile client: sends a booking with its Idempotency-Key and retries the very same request on
/// 503 (and on its own timeouts or dropped connections) until it gets a final answer, 201 or 409.
/// Every answer it sees is checked: only 201, 409 and 503-with-Retry-After problem+json are acceptable.
/// </summary>
internal sealed class Clients
{
    public ConcurrentQueue<string> Failures { get; } = new();

    public long MaxLatencyMs => Interlocked.Read(ref _maxLatencyMs);

    public long Unavailable => Interlocked.Read(ref _unavailable);

    /// <summary>Of <see cref="Unavailable"/>, the ones the database's absence caused (a lost backend, a restart), not a lock timeout.</summary>
    public long ServiceUnavailable => Interlocked.Read(ref _serviceUnavailable);

    public long ClientFaults => Interlocked.Read(ref _clientFaults);

    private long _maxLatencyMs;
    private long _unavailable;
    private long _serviceUnavailable;
    private long _clientFaults;

    /// <param name="cancelAfter">Per attempt: when to abandon it on the client side (null = never).</param>
    public async Task<(HttpStatusCode? Status, Guid? Id)> BookAsync(HttpClient client, string token, string json, string key,
        Func<int, TimeSpan?> cancelAfter, TimeSpan giveUpAfter, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 0; clock.Elapsed < giveUpAfter; attempt++)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (cancelAfter(attempt) is { } after)
            {
                cts.CancelAfter(after);
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await Http.SendAsync(client, HttpMethod.Post, "/api/bookings", token, json, key, cts.Token);
                var latency = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                InterlockedMax(ref _maxLatencyMs, latency);
                switch ((int)response.StatusCode)
                {
                    case 201:
                        return (response.StatusCode, await Http.IdAsync(response, ct));
                    case 409:
                        return (response.StatusCode, null);
                    case 503 when response.Headers.RetryAfter is not null && response.Content.Headers.ContentType?.MediaType == "application/problem+json":
                        Interlocked.Increment(ref _unavailable);
                        if ((await response.Content.ReadAsStringAsync(ct)).Contains(":service-unavailable\"", StringComparison.Ordinal))
                        {
                            Interlocked.Increment(ref _serviceUnavailable);
                        }

                        break;
                    default:
                        Failures.Enqueue($"key {key}: {(int)response.StatusCode} {response.Content.Headers.ContentType} {await response.Content.ReadAsStringAsync(ct)}");
                        return (response.StatusCode, null);
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // our own deadline for this attempt: abandon it and retry the same request
                Interlocked.Increment(ref _clientFaults);
                InterlockedMax(ref _maxLatencyMs, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (HttpRequestException e)
            {
                Failures.Enqueue($"key {key}: connection failed: {e.Message}");
                return (null, null);
            }

            // a well-behaved client would wait Retry-After (2 s); a short jittered wait keeps the test bounded
            await Task.Delay(Random.Shared.Next(30, 150), ct);
        }

        Failures.Enqueue($"key {key}: no final answer after {giveUpAfter}");
        return (null, null);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
