using System.Collections.Concurrent;

namespace BookingFunctions.Reliability.Tests;

/// <summary>
/// Counters every test adds to; the assembly fixture prints them once all tests have run. Static, because the
/// numbers describe the whole run, across test classes running in parallel.
/// </summary>
internal static class Tally
{
    private static long _rounds;
    private static long _requests;
    private static long _faults;
    private static long _hostile;
    private static long _oversells;
    private static long _serverErrors;
    private static long _busy;
    private static long _rejectedRowsWritten;
    private static long _identityCases;

    public static readonly ConcurrentQueue<string> Lines = new();

    public static long Rounds => Interlocked.Read(ref _rounds);

    public static long Requests => Interlocked.Read(ref _requests);

    public static long Faults => Interlocked.Read(ref _faults);

    public static long Hostile => Interlocked.Read(ref _hostile);

    public static long Oversells => Interlocked.Read(ref _oversells);

    /// <summary>5xx other than a 503 with Retry-After (which is the documented "busy / unavailable, retry" answer).</summary>
    public static long ServerErrors => Interlocked.Read(ref _serverErrors);

    public static long Busy => Interlocked.Read(ref _busy);

    public static long RejectedRowsWritten => Interlocked.Read(ref _rejectedRowsWritten);

    public static long IdentityCases => Interlocked.Read(ref _identityCases);

    public static void AddRounds(long n = 1) => Interlocked.Add(ref _rounds, n);

    public static void AddRequests(long n = 1) => Interlocked.Add(ref _requests, n);

    public static void AddFaults(long n = 1) => Interlocked.Add(ref _faults, n);

    public static void AddHostile(long n = 1) => Interlocked.Add(ref _hostile, n);

    public static void AddOversells(long n) => Interlocked.Add(ref _oversells, n);

    public static void AddServerErrors(long n = 1) => Interlocked.Add(ref _serverErrors, n);

    public static void AddBusy(long n = 1) => Interlocked.Add(ref _busy, n);

    public static void AddRejectedRowsWritten(long n) => Interlocked.Add(ref _rejectedRowsWritten, n);

    public static void AddIdentityCases(long n = 1) => Interlocked.Add(ref _identityCases, n);

    /// <summary>One line per category, greppable, written to the summary at the end.</summary>
    public static void Category(string line) => Lines.Enqueue(line);

    /// <summary>Counts an HTTP answer: every 5xx except 503 + Retry-After is a server error.</summary>
    public static void Response(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        AddRequests();
        var status = (int)response.StatusCode;
        if (status == 503 && response.Headers.RetryAfter is not null)
        {
            AddBusy();
        }
        else if (status >= 500)
        {
            AddServerErrors();
        }
    }

    public static string Total() =>
        $"RELIABILITY SUMMARY rounds={Rounds} requests={Requests} faults={Faults} hostile={Hostile} identity={IdentityCases} " +
        $"oversells={Oversells} 5xx={ServerErrors} busy_503={Busy} rejected_rows_written={RejectedRowsWritten}";
}
