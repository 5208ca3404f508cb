using Spectre.Console;

namespace BookingFunctions.Bench;

/// <summary>The live progress display: one bar per step, with the running call count of a load.</summary>
public sealed class BenchProgress(ProgressContext context)
{
    public async Task<T> LoadAsync<T>(string label, ClosedLoop loop, Func<Task<T>> run)
    {
        var seconds = (loop.Warmup + loop.Duration).TotalSeconds;
        var task = context.AddTask(Markup.Escape(label), maxValue: seconds);
        var started = DateTime.UtcNow;
        var work = run();
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(250));
            var elapsed = (DateTime.UtcNow - started).TotalSeconds;
            task.Value = Math.Min(elapsed, seconds);
            task.Description = Markup.Escape($"{label}: {loop.Completed:N0} calls");
        }

        task.Value = seconds;
        task.StopTask();
        return await work;
    }

    public async Task StepAsync(string label, Func<Task> run)
    {
        var task = context.AddTask(Markup.Escape(label), maxValue: 1);
        task.IsIndeterminate = true;
        await run();
        task.IsIndeterminate = false;
        task.Value = 1;
        task.StopTask();
    }
}
