using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Domain;
using EventSourcing.EventStore;
using EventSourcing.Kafka;
using Messaging.Tracing.Events;
using Messaging.Tracing.Spans;

namespace EventSourcing.Commands;

/// <summary>
/// Loads a band from its stream and stores its new events: inside one <c>append band-{id}</c> span (Producer kind) it
/// writes the span's trace context, the correlation id and the causation id into each event's metadata
/// (<see cref="EventTracer.Write"/>), appends the events to the store, then publishes them to Kafka — the Kafka send
/// spans are children of the append span, so the Kafka headers carry the append's trace.
/// </summary>
public sealed class BandRepository
{
    /// <summary>The stream name template; the span name and the metrics use it (low cardinality), the span's destination is the real stream.</summary>
    public const string StreamTemplate = "band-{id}";

    private readonly IEventStore _store;
    private readonly EventTracer _eventTracer;
    private readonly KafkaEventPublisher _publisher;

    /// <summary>Initializes a new instance of the <see cref="BandRepository"/> class.</summary>
    /// <param name="store">The event store.</param>
    /// <param name="eventTracer">Writes the trace metadata.</param>
    /// <param name="publisher">Publishes stored events to Kafka.</param>
    public BandRepository(IEventStore store, EventTracer eventTracer, KafkaEventPublisher publisher)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(eventTracer);
        ArgumentNullException.ThrowIfNull(publisher);
        _store = store;
        _eventTracer = eventTracer;
        _publisher = publisher;
    }

    /// <summary>Returns the stream of a band.</summary>
    /// <param name="bandId">The band.</param>
    /// <returns><c>band-{id}</c>.</returns>
    public static string StreamId(string bandId) => "band-" + bandId;

    /// <summary>Loads a band.</summary>
    /// <param name="bandId">The band.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The band, or null when it was never registered.</returns>
    public async Task<Band?> LoadAsync(string bandId, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredEvent> history = await _store.ReadStreamAsync(StreamId(bandId), cancellationToken).ConfigureAwait(false);
        var events = new List<object>(history.Count);
        foreach (StoredEvent stored in history)
        {
            events.Add(EventSerializer.Deserialize(stored));
        }

        return Band.FromHistory(bandId, events);
    }

    /// <summary>Appends the band's pending events with trace metadata and publishes them.</summary>
    /// <param name="band">The band with pending events.</param>
    /// <param name="command">The command that caused them.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>The stored events (none when nothing was pending).</returns>
    public async Task<IReadOnlyList<StoredEvent>> SaveAsync(Band band, CommandContext command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(band);
        ArgumentNullException.ThrowIfNull(command);
        if (band.PendingEvents.Count == 0)
        {
            return [];
        }

        string stream = StreamId(band.Id);
        if (_store.TracesAppends)
        {
            // Marten: the store's session traces the append (span and trace headers); the ids are the session's.
            var ids = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [EventMetadataKeys.CorrelationId] = command.CorrelationId,
                [EventMetadataKeys.CausationId] = command.CommandId,
            };
            return await AppendAndPublishAsync(band, stream, [.. band.PendingEvents.Select(e => ToData(e, ids))], cancellationToken).ConfigureAwait(false);
        }

        // Named after the template (the span, and the metrics' only destination); the stream is the span's destination.
        using AppendScope append = _eventTracer.StartAppend(stream, band.PendingEvents, streamType: StreamTemplate, eventCount: band.PendingEvents.Count);
        if (append.Activity is { IsAllDataRequested: true } span)
        {
            span.SetTag(MessagingAttributes.ConversationId, command.CorrelationId);
            span.SetTag(MessagingAttributes.BatchMessageCount, band.PendingEvents.Count);
        }

        try
        {
            var events = new List<EventData>(band.PendingEvents.Count);
            foreach (object @event in band.PendingEvents)
            {
                var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
                _eventTracer.Write(metadata, append.Activity, command.CorrelationId, causationId: command.CommandId);
                events.Add(ToData(@event, metadata));
            }

            return await AppendAndPublishAsync(band, stream, events, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            append.RecordException(ex);
            throw;
        }
    }

    private static EventData ToData(object @event, IReadOnlyDictionary<string, string> metadata) =>
        new(Guid.NewGuid(), EventSerializer.TypeName(@event), EventSerializer.Serialize(@event), metadata);

    private async Task<IReadOnlyList<StoredEvent>> AppendAndPublishAsync(Band band, string stream, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredEvent> stored = await _store.AppendAsync(stream, band.Version, events, cancellationToken).ConfigureAwait(false);
        band.MarkStored();
        await _publisher.PublishAsync(stored, cancellationToken).ConfigureAwait(false);
        return stored;
    }
}
