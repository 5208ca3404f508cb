using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace BookingFunctions.Reliability.Tests;

/// <summary>
/// Collects the host's Error and Critical log entries. A client that abandoned its request never sees the
/// status the server chose, so "no unhandled exception" can only be checked on the server's side.
/// </summary>
public sealed class ServerLog : ILoggerProvider
{
    public ConcurrentQueue<string> Errors { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Errors.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name}: {exception?.Message}");
            }
        }
    }
}
