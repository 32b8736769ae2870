using System;
using System.Collections.Generic;
using System.Diagnostics;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;
using OpenTelemetry.Context.Propagation;

namespace Messaging.Tracing.Events;

/// <summary>
/// Trace context in event-sourced events: written into an event's metadata when it is appended, restored when a
/// projection or process manager handles it — live as FollowsFrom, replays as a new linked trace.
/// </summary>
/// <remarks>
/// Metadata gets <c>traceparent</c>, <c>tracestate</c>, <c>baggage</c>, <c>correlation-id</c> and <c>causation-id</c>
/// (<see cref="EventMetadataKeys"/>). A context is validated before it is written (an invalid or all-zero one is never
/// stored, and a stale one is removed) and before it is used (a stored invalid one gives a new root, no link).
/// </remarks>
public sealed class EventTracer
{
    /// <summary>The default <c>messaging.system</c> of event-store spans.</summary>
    public const string DefaultSystem = "eventstore";

    private const string AppendOperation = "append";
    private const string ProcessOperation = "process";

    private readonly MessagingTracer _tracer;
    private readonly string _system;

    /// <summary>Initializes a new instance of the <see cref="EventTracer"/> class.</summary>
    /// <remarks>
    /// <c>services.AddMessagingTracing()</c> registers one with the registered tracer and the default system; inject it. Without
    /// dependency injection, pass the tracer the application configured, or <see cref="MessagingTracer.Default"/> deliberately.
    /// </remarks>
    /// <param name="tracer">The tracer whose options (baggage filters, trust, enrichment) apply.</param>
    /// <param name="system">The <c>messaging.system</c> of the spans (the event store's name).</param>
    public EventTracer(MessagingTracer tracer, string system = DefaultSystem)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        ArgumentException.ThrowIfNullOrEmpty(system);
        _tracer = tracer;
        _system = system;
    }

    /// <summary>
    /// Starts an append: the <c>append {streamType}</c> span (Producer kind; <c>append {stream}</c> without a stream type)
    /// whose context the appended events carry, current until the scope is disposed, and the append's measurement.
    /// </summary>
    /// <param name="stream">The event stream (aggregate) name, e.g. <c>order-123</c>: the span's <c>messaging.destination.name</c>.</param>
    /// <param name="events">The events, passed to <see cref="MessagingTracingOptions.EnrichProducerSpan"/>.</param>
    /// <param name="streamType">
    /// The stream's type or category, the same for every stream of a kind (the aggregate type <c>order</c>, or a template
    /// such as <c>order-{id}</c>): the span's name and <c>messaging.destination.template</c>, and the only destination the
    /// append's metrics carry. Without it the metrics carry no destination: a stream per aggregate would make a time series
    /// per aggregate.
    /// </param>
    /// <param name="eventCount">How many events the append stores (added to <c>messaging.client.sent.messages</c>); at least 1.</param>
    /// <returns>The scope; dispose it when the append ends (stored or failed), record a failure with <see cref="AppendScope.RecordException(Exception)"/>.</returns>
    public AppendScope StartAppend(string stream, object? events = null, string? streamType = null, int eventCount = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(eventCount);
        string? template = string.IsNullOrEmpty(streamType) ? null : streamType;
        Activity? span = _tracer.StartProducer(
            new MessagingOperation(_system, MessagingOperationType.Send, AppendOperation, template ?? stream) { DestinationTemplate = template },
            events);
        try
        {
            if (template is not null && span is { IsAllDataRequested: true })
            {
                span.SetTag(MessagingAttributes.DestinationName, stream);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(EventTracer), ex);
        }

        // The metrics' operation has no destination name: the stream is per aggregate.
        var measured = new MessagingOperation(_system, MessagingOperationType.Send, AppendOperation, destinationName: null) { DestinationTemplate = template };
        return new AppendScope(span, MessagingMeasurement.Start(measured, eventCount));
    }

    /// <summary>
    /// Writes the trace context of <paramref name="appendSpan"/> (or of <see cref="Activity.Current"/>), the current
    /// baggage, and the correlation and causation ids into an event's metadata, replacing earlier values.
    /// </summary>
    /// <param name="metadata">The event's metadata, before it is stored.</param>
    /// <param name="appendSpan">The append span (<see cref="AppendScope.Activity"/>); the current span when null.</param>
    /// <param name="correlationId">The flow's correlation id (from the command or request); an existing value is kept when null.</param>
    /// <param name="causationId">The id of the message that caused the event; an existing value is kept when null.</param>
    public void Write(IDictionary<string, string> metadata, Activity? appendSpan = null, string? correlationId = null, string? causationId = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        _tracer.Inject(appendSpan, metadata, StringDictionaryCarrierAdapter.Instance);
        if (!string.IsNullOrEmpty(correlationId))
        {
            metadata[EventMetadataKeys.CorrelationId] = correlationId;
        }

        if (!string.IsNullOrEmpty(causationId))
        {
            metadata[EventMetadataKeys.CausationId] = causationId;
        }
    }

    /// <summary>Reads the stored trace context and baggage (never throws; <c>default</c> when absent or invalid).</summary>
    /// <param name="metadata">The stored metadata.</param>
    /// <returns>The context of the span that appended the event.</returns>
    public PropagationContext Read(IReadOnlyDictionary<string, string> metadata)
        => _tracer.Extract(metadata, ReadOnlyMetadataCarrierAdapter.Instance);

    /// <summary>Reads the stored correlation and causation ids.</summary>
    /// <param name="metadata">The stored metadata.</param>
    /// <returns>The ids; null where not stored.</returns>
    public static EventCorrelation ReadCorrelation(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new EventCorrelation(
            metadata.TryGetValue(EventMetadataKeys.CorrelationId, out string? correlationId) ? correlationId : null,
            metadata.TryGetValue(EventMetadataKeys.CausationId, out string? causationId) ? causationId : null);
    }

    /// <summary>
    /// Opens the scope a projection or process manager handles one stored event in: a <c>process {subscriber}</c> span
    /// that follows from the append (live) or starts a new linked trace (replay), with the event's baggage current and
    /// the correlation id recorded as <c>messaging.message.conversation_id</c>.
    /// </summary>
    /// <param name="metadata">The event's stored metadata.</param>
    /// <param name="subscriber">The projection, process manager or subscription name.</param>
    /// <param name="delivery">Live or replay; replay (the safe choice) by default.</param>
    /// <param name="event">The event, passed to <see cref="MessagingTracingOptions.EnrichProcessSpan"/>.</param>
    /// <param name="trusted">
    /// Whether this subscriber trusts the stored context (events imported from another system may not);
    /// <see cref="MessagingTracingOptions.TrustIncomingContext"/> when null. An untrusted event starts a new trace
    /// (linked when <see cref="MessagingTracingOptions.LinkUntrustedContext"/> is set) without its baggage.
    /// </param>
    /// <param name="storedAt">
    /// When the event store stored the event (its clock): a live event's time in queue
    /// (<see cref="Instruments.MessagingMeter.QueueDuration"/>) is measured from it. A replayed event's age is history, not
    /// waiting: it is not measured.
    /// </param>
    /// <returns>The scope; dispose it when the handler ends, record a failure with <see cref="ProcessScope.RecordException(System.Exception)"/>.</returns>
    /// <remarks>
    /// The scope is measured: the event counted as consumed, the handling's duration recorded, with the subscriber as the
    /// destination (<c>messaging.destination.name</c>).
    /// </remarks>
    public ProcessScope StartHandling(
        IReadOnlyDictionary<string, string> metadata,
        string subscriber,
        EventDelivery delivery = EventDelivery.Replay,
        object? @event = null,
        bool? trusted = null,
        DateTimeOffset? storedAt = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentException.ThrowIfNullOrEmpty(subscriber);
        MessageRelationship relationship = delivery == EventDelivery.Live ? MessageRelationship.FollowsFrom : MessageRelationship.NewTrace;
        ProcessScope scope = _tracer.StartProcess(
            Read(metadata),
            new MessagingOperation(_system, MessagingOperationType.Process, ProcessOperation, subscriber)
            {
                MessageTimestamp = delivery == EventDelivery.Live ? storedAt : null,
            },
            relationship,
            trusted,
            @event);
        try
        {
            if (scope.Activity is { IsAllDataRequested: true } activity && ReadCorrelation(metadata).CorrelationId is { } correlationId)
            {
                activity.SetTag(MessagingAttributes.ConversationId, correlationId);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(EventTracer), ex);
        }

        return scope;
    }
}
