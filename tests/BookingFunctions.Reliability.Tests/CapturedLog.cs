using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Reliability.Tests;

/// <summary>Every log entry the host writes at Information or above, as an operator's log store would receive it.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    public sealed record Entry(DateTimeOffset At, LogLevel Level, string Category, string Message, Exception? Exception)
    {
        /// <summary>Lines the entry takes in a console or file log: the message, plus the exception and its stack.</summary>
        public int Lines => Message.Split('\n').Length + (Exception is null ? 0 : Exception.ToString().Split('\n').Length);

        public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : $" [{Exception.GetType().Name}]")}";
    }

    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Entries.Enqueue(new Entry(DateTimeOffset.UtcNow, logLevel, category, formatter(state, exception), exception));
            }
        }
    }
}
