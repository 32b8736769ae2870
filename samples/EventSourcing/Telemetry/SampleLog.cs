using System;
using EventSourcing.Commands;
using Microsoft.Extensions.Logging;

namespace EventSourcing.Telemetry;

/// <summary>The sample's log messages (source-generated). Every line carries the current trace and span ids.</summary>
public static partial class SampleLog
{
    private static readonly Func<ILogger, string, string, string?, IDisposable?> CommandScope =
        LoggerMessage.DefineScope<string, string, string?>("CorrelationId:{CorrelationId} CommandId:{CommandId} CausationId:{CausationId}");

    private static readonly Func<ILogger, string, IDisposable?> RequestScope = LoggerMessage.DefineScope<string>("CorrelationId:{CorrelationId}");

    /// <summary>Adds the command's correlation, message and causation ids to the log scope.</summary>
    /// <param name="logger">The logger.</param>
    /// <param name="command">The command.</param>
    /// <returns>The scope.</returns>
    public static IDisposable? BeginCommandScope(ILogger logger, CommandContext command)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(command);
        return CommandScope(logger, command.CorrelationId, command.CommandId, command.CausedBy);
    }

    /// <summary>Adds a request's correlation id to the log scope.</summary>
    /// <param name="logger">The logger.</param>
    /// <param name="correlationId">The correlation id.</param>
    /// <returns>The scope.</returns>
    public static IDisposable? BeginRequestScope(ILogger logger, string correlationId)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return RequestScope(logger, correlationId);
    }

    [LoggerMessage(1, LogLevel.Information, "{Command} → {EventType} appended to {Stream} as version {Version} (event {EventId})")]
    public static partial void EventAppended(ILogger logger, string command, string eventType, string stream, long version, Guid eventId);

    [LoggerMessage(2, LogLevel.Information, "{Command} for band {BandId} ignored: {Reason}")]
    public static partial void CommandIgnored(ILogger logger, string command, string bandId, string reason);

    [LoggerMessage(3, LogLevel.Information, "Sent {Command} {CommandId} for band {BandId}")]
    public static partial void CommandSent(ILogger logger, string command, Guid commandId, string bandId);

    [LoggerMessage(4, LogLevel.Information, "Band {BandId} deserves featuring ({Reason}): sent FeatureBand {CommandId}, caused by event {EventId}")]
    public static partial void FeatureRequested(ILogger logger, string bandId, string reason, Guid commandId, Guid eventId);

    [LoggerMessage(5, LogLevel.Information, "Subscriber {Subscriber} consumes {Topic} ({Partitions} partitions)")]
    public static partial void SubscriberStarted(ILogger logger, string subscriber, string topic, int partitions);

    [LoggerMessage(6, LogLevel.Error, "Subscriber {Subscriber} failed to handle an event; skipped")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception, string subscriber);

    [LoggerMessage(7, LogLevel.Warning, "Kafka error in {Client}: {Reason}")]
    public static partial void KafkaError(ILogger logger, string client, string reason);

    [LoggerMessage(8, LogLevel.Debug, "librdkafka {Level} {Facility}: {Message}")]
    public static partial void Librdkafka(ILogger logger, string level, string facility, string message);

    [LoggerMessage(9, LogLevel.Information, "Replayed {Count} events into {Projection}")]
    public static partial void Replayed(ILogger logger, int count, string projection);

    [LoggerMessage(11, LogLevel.Information, "Caught up {Subscribers} subscribers with the {Count} events in the store")]
    public static partial void CaughtUp(ILogger logger, int count, int subscribers);

    [LoggerMessage(10, LogLevel.Information, "Listening on {Address}: commands over {Commands}, events in {EventStore}, Kafka {Kafka}, OTLP export {Otlp}")]
    public static partial void Started(ILogger logger, Uri address, string commands, string eventStore, string kafka, string otlp);
}
