using System.Diagnostics;
using System.Globalization;

namespace BookingFunctions.Bench;

/// <summary>
/// CPU use over a window: this process (the clients, and W6's in-process host) and the whole machine
/// (/proc/stat). On a 2-core box shared by server and clients, "which side burns the cores" is the
/// first profiling question; anything busy outside the bench shows up as machine minus bench minus server.
/// </summary>
public sealed class CpuMeter
{
    private readonly TimeSpan _processStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly (long Busy, long Total) _machineStart = Machine();
    private readonly long _started = Stopwatch.GetTimestamp();

    public string Stop()
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var process = (Process.GetCurrentProcess().TotalProcessorTime - _processStart).TotalSeconds / seconds;
        var (busy, total) = Machine();
        var cores = Environment.ProcessorCount;
        var machine = total > _machineStart.Total ? (double)(busy - _machineStart.Busy) / (total - _machineStart.Total) * cores : double.NaN;
        return string.Create(CultureInfo.InvariantCulture, $"bench process {process:0.00} cores, whole machine {machine:0.00} of {cores} cores busy");
    }

    private static (long Busy, long Total) Machine()
    {
        try
        {
            // cpu user nice system idle iowait irq softirq steal ...
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var total = fields.Take(8).Sum();
            var idle = fields[3] + fields[4];
            return (total - idle, total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }
}
