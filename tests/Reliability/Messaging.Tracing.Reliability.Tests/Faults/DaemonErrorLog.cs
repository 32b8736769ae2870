using System;
using Microsoft.Extensions.Logging;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>
/// The application's logger for Marten's async daemon: where a subscription's handler exception comes back to the
/// application (the daemon logs it, then pauses the shard). Counts the application's own exceptions in the run.
/// </summary>
/// <param name="run">The run whose <see cref="FaultRun.Surfaced"/> is counted.</param>
public sealed class DaemonErrorLog(FaultRun run) : ILogger
{
    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel >= LogLevel.Error && exception is ApplicationFaultException)
        {
            run.Surfaced();
        }
    }
}
