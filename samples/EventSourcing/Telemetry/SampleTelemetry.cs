using System;
using System.Diagnostics;
using EventSourcing.Commands;
using EventSourcing.EventStore;
using Messaging.Tracing.Events;

namespace EventSourcing.Telemetry;

/// <summary>The sample's own spans: one per handler step of a projection or process manager, and the replay span.</summary>
public static class SampleTelemetry
{
    /// <summary>The sample's activity source.</summary>
    public const string SourceName = "EventSourcing.Sample";

    /// <summary>ASP.NET Core's activity source (its server spans); no contrib instrumentation needed.</summary>
    public const string AspNetCoreSourceName = "Microsoft.AspNetCore";

    /// <summary>The sample's activity source.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The span attribute with the flow's correlation id (server and command process spans).</summary>
    public const string CorrelationIdTag = "app.correlation_id";

    /// <summary>The span attribute with what caused a command (command process spans).</summary>
    public const string CausationIdTag = "app.causation_id";

    /// <summary>Records a command's correlation and causation ids on the span that processes it.</summary>
    /// <param name="span">The process span (<see cref="Activity.Current"/> in a consumer).</param>
    /// <param name="command">The command's context.</param>
    public static void TagCommand(Activity? span, CommandContext command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(CorrelationIdTag, command.CorrelationId);
            span.SetTag(CausationIdTag, command.CausedBy);
        }
    }

    /// <summary>Starts <c>{subscriber} {event type}</c> (Internal): a projection or process manager applying one event.</summary>
    /// <param name="subscriber">The subscriber's name.</param>
    /// <param name="stored">The event.</param>
    /// <returns>The span, or null when nothing listens.</returns>
    public static Activity? StartHandler(string subscriber, StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        Activity? span = Source.StartActivity(subscriber + " " + stored.Type);
        if (span is { IsAllDataRequested: true })
        {
            EventCorrelation correlation = EventTracer.ReadCorrelation(stored.Metadata);
            span.SetTag("event.id", stored.EventId.ToString("D"));
            span.SetTag("event.type", stored.Type);
            span.SetTag("event.stream", stored.StreamId);
            span.SetTag("event.version", stored.Version);
            span.SetTag("event.correlation_id", correlation.CorrelationId);
            span.SetTag("event.causation_id", correlation.CausationId);
        }

        return span;
    }
}
