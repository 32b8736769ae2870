using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.Domain;
using JasperFx.Events;
using Marten;
using Messaging.Tracing.Events;

namespace EventSourcing.EventStore;

/// <summary>
/// The event store on Marten (PostgreSQL), one Marten stream per band keyed by its stream id. Appends go through a Marten
/// session, which Messaging.Tracing.Marten traces (<c>services.AddMarten(...).AddMessagingTracing()</c>): the
/// <c>append Band</c> span and the <c>traceparent</c>, <c>tracestate</c> and <c>baggage</c> headers of each event. The
/// correlation and causation ids the repository passes become the session's, so Marten stores them with every event.
/// </summary>
public sealed class MartenEventStore : IEventStore
{
    private readonly IDocumentStore _store;

    /// <summary>Initializes a new instance of the <see cref="MartenEventStore"/> class.</summary>
    /// <param name="store">The Marten document store.</param>
    public MartenEventStore(IDocumentStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <inheritdoc/>
    public string SystemName => "marten";

    /// <inheritdoc/>
    public bool TracesAppends => true;

    /// <summary>
    /// Configures a Marten store for the sample: its database and schema, string stream ids (<c>band-{id}</c>), schema
    /// objects created when missing, and the daemon left to the sample (<c>MartenSubscriptionDaemon</c> starts it).
    /// Tracing is added by <c>AddMessagingTracing()</c> (or <c>UseMessagingTracing(tracer)</c>).
    /// </summary>
    /// <param name="options">Marten's store options.</param>
    /// <param name="connection">The Npgsql connection string.</param>
    /// <param name="schema">The PostgreSQL schema.</param>
    public static void Configure(StoreOptions options, string connection, string schema)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Connection(connection);
        options.DatabaseSchemaName = schema;
        options.Events.StreamIdentity = StreamIdentity.AsString;
        options.AutoCreateSchemaObjects = JasperFx.AutoCreate.All;
        options.DisableNpgsqlLogging = true;
        options.Projections.AsyncMode = JasperFx.Events.Daemon.DaemonMode.ExternallyManaged;
    }

    /// <summary>Reads a Marten event as the sample's stored event: its headers and Marten's correlation and causation ids as metadata.</summary>
    /// <param name="event">The Marten event.</param>
    /// <returns>The stored event.</returns>
    public static StoredEvent ToStored(IEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object> header in @event.Headers ?? [])
        {
            // Written as strings; read back from PostgreSQL as what System.Text.Json made of them.
            string? value = header.Value switch
            {
                string text => text,
                JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
                _ => null,
            };
            if (value is not null)
            {
                metadata[header.Key] = value;
            }
        }

        if (!string.IsNullOrEmpty(@event.CorrelationId))
        {
            metadata[EventMetadataKeys.CorrelationId] = @event.CorrelationId;
        }

        if (!string.IsNullOrEmpty(@event.CausationId))
        {
            metadata[EventMetadataKeys.CausationId] = @event.CausationId;
        }

        return new StoredEvent(@event.Id, @event.StreamKey ?? string.Empty, @event.Version, @event.Data.GetType().Name, EventSerializer.Serialize(@event.Data), metadata);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, CancellationToken cancellationToken)
    {
        await using IQuerySession session = _store.QuerySession();
        IReadOnlyList<IEvent> events = await session.Events.FetchStreamAsync(streamId, token: cancellationToken).ConfigureAwait(false);
        return events.Select(ToStored).ToArray();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredEvent>> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }

        await using IDocumentSession session = _store.LightweightSession();
        EventCorrelation correlation = EventTracer.ReadCorrelation(events[0].Metadata);
        session.CorrelationId = correlation.CorrelationId;
        session.CausationId = correlation.CausationId;
        object[] domainEvents = events.Select(EventSerializer.Deserialize).ToArray();

        // Optimistic concurrency: a new stream must not exist yet; an existing one must still end at expectedVersion
        // (Marten's expected version is the stream's version once these events are appended).
        StreamAction stream = expectedVersion == 0
            ? session.Events.StartStream<Band>(streamId, domainEvents)
            : session.Events.Append(streamId, expectedVersion + events.Count, domainEvents);
        stream.AggregateType ??= typeof(Band);
        for (int i = 0; i < events.Count; i++)
        {
            stream.Events[i].Id = events[i].EventId;
        }

        try
        {
            await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException or EventStreamUnexpectedMaxEventIdException)
        {
            await using IQuerySession query = _store.QuerySession();
            StreamState? state = await query.Events.FetchStreamStateAsync(streamId, cancellationToken).ConfigureAwait(false);
            throw new WrongExpectedVersionException(WrongExpectedVersionException.For(streamId, expectedVersion, state?.Version ?? 0).Message, ex);
        }

        return stream.Events.Select(ToStored).ToArray();
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using IQuerySession session = _store.QuerySession();
        IReadOnlyList<IEvent> events = await session.Events.QueryAllRawEvents().OrderBy(e => e.Sequence).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (IEvent @event in events)
        {
            yield return ToStored(@event);
        }
    }
}
