using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace BookingFunctions.Bench;

/// <summary>
/// W4's audit rows: one statement run a few times, one call after the other on one connection, each call's wall time
/// and the server backend's CPU time (from /proc, the bench's own local server). CPU time is what the audit costs the
/// database; wall time on a busy machine mostly says how long it waited for a core.
/// </summary>
public sealed record AuditTiming(Measurement Measurement, string Summary)
{
    public static async Task<AuditTiming> RunAsync(BenchDatabase db, string sql, int calls, CancellationToken ct)
    {
        var latency = Measurement.NewHistogram();
        var cpuMs = new List<double>();
        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        await using var connection = await db.Admin.OpenConnectionAsync(ct);
        for (var i = 0; i < calls; i++)
        {
            var cpuBefore = BackendCpuMs(connection.ProcessID);
            var started = Stopwatch.GetTimestamp();
            try
            {
                await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 900 };
                await command.ExecuteScalarAsync(ct);
                latency.RecordValue(Math.Min((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds, Measurement.HighestMicros));
                if (cpuBefore is { } before && BackendCpuMs(connection.ProcessID) is { } after)
                {
                    cpuMs.Add(after - before);
                }
            }
            catch (PostgresException e)
            {
                errors[e.SqlState] = errors.GetValueOrDefault(e.SqlState) + 1;
                break;
            }
        }

        var measurement = new Measurement(1, clock.Elapsed, latency.TotalCount, latency, errors);
        var cpu = cpuMs.Count == 0 ? "backend CPU n/a" : string.Create(CultureInfo.InvariantCulture, $"backend CPU median {cpuMs.Order().ElementAt(cpuMs.Count / 2):0} ms");
        var wall = latency.TotalCount == 0 ? "no call answered" : string.Create(CultureInfo.InvariantCulture, $"wall median {measurement.P50Ms:0} ms");
        return new AuditTiming(measurement, $"{latency.TotalCount} calls, {wall}, {cpu}");
    }

    /// <summary>User + system CPU of a local server process in ms, or null when /proc cannot tell.</summary>
    private static double? BackendCpuMs(int pid)
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // after "pid (comm)": state is field 0, utime field 11, stime field 12 (clock ticks; 100 per second on Linux)
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
