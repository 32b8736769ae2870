using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.EventStore;
using EventSourcing.Telemetry;
using Messaging.Tracing.Events;
using Messaging.Tracing.Spans;

namespace EventSourcing.Projections;

/// <summary>
/// Rebuilds subscribers from the event store: a projection on request (<c>POST /projections/{name}/replay</c>), and every
/// subscriber at startup (catch-up). Each event is handled in <see cref="EventTracer.StartHandling"/> with
/// <see cref="EventDelivery.Replay"/>: a new trace per event, linked (<c>follows_from</c>) to the append that stored it —
/// a rebuild never piles history onto one trace. The handling span also gets a plain link to the <c>replay {name}</c>
/// or <c>catch-up {name}</c> span that asked for it.
/// </summary>
public sealed class ProjectionReplayer
{
    private readonly IEventStore _store;
    private readonly EventTracer _eventTracer;
    private readonly IReadOnlyList<Projection> _projections;
    private readonly MartenSubscriptionDaemon? _daemon;

    /// <summary>Initializes a new instance of the <see cref="ProjectionReplayer"/> class.</summary>
    /// <param name="store">The event store.</param>
    /// <param name="eventTracer">The event tracer.</param>
    /// <param name="projections">The projections that can be rebuilt on request.</param>
    /// <param name="daemon">Marten's daemon when the projections run there (a replay is then a rebuild of the subscription); null otherwise.</param>
    public ProjectionReplayer(IEventStore store, EventTracer eventTracer, IEnumerable<Projection> projections, MartenSubscriptionDaemon? daemon = null)
    {
        _store = store;
        _eventTracer = eventTracer;
        _projections = projections.ToArray();
        _daemon = daemon;
    }

    /// <summary>Gets the names of the projections that can be rebuilt on request.</summary>
    public IEnumerable<string> Names => _projections.Select(p => p.Name);

    /// <summary>
    /// Rebuilds a projection, inside a <c>replay {name}</c> span (a child of the current one, the request's): from the
    /// store's history here, or on Marten's daemon (<see cref="MartenSubscriptionDaemon.RebuildAsync"/>).
    /// </summary>
    /// <param name="name">The projection's name.</param>
    /// <param name="cancellationToken">Cancels the rebuild.</param>
    /// <returns>The number of events replayed, or null when there is no such projection.</returns>
    public async Task<int?> ReplayAsync(string name, CancellationToken cancellationToken)
    {
        Projection? projection = _projections.FirstOrDefault(p => p.Name == name);
        if (projection is null)
        {
            return null;
        }

        using Activity? replay = SampleTelemetry.Source.StartActivity("replay " + name);
        int count = _daemon is not null
            ? await _daemon.RebuildAsync(projection, replay, cancellationToken).ConfigureAwait(false)
            : await projection.RestoreAsync(_store.ReadAllAsync(cancellationToken), HandlingScopes(name, replay), cancellationToken).ConfigureAwait(false);
        replay?.SetTag("sample.replay.event_count", count);
        return count;
    }

    /// <summary>
    /// Brings every subscriber up to date with the store at startup (its state lives in memory; the store and Kafka
    /// outlive it), each inside a root <c>catch-up {name}</c> span. Nothing happens when the store is empty.
    /// </summary>
    /// <param name="subscribers">The subscribers.</param>
    /// <param name="cancellationToken">Cancels the catch-up.</param>
    /// <returns>The number of events in the store.</returns>
    public async Task<int> CatchUpAsync(IEnumerable<IEventSubscriber> subscribers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscribers);
        IAsyncEnumerator<StoredEvent> first = _store.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (first.ConfigureAwait(false))
        {
            if (!await first.MoveNextAsync().ConfigureAwait(false))
            {
                return 0;
            }
        }

        int count = 0;
        foreach (IEventSubscriber subscriber in subscribers)
        {
            Activity? previous = Activity.Current;
            Activity.Current = null; // a root: startup is no request's work
            try
            {
                using Activity? catchUp = SampleTelemetry.Source.StartActivity("catch-up " + subscriber.Name);
                count = await subscriber.RestoreAsync(_store.ReadAllAsync(cancellationToken), HandlingScopes(subscriber.Name, catchUp), cancellationToken).ConfigureAwait(false);
                catchUp?.SetTag("sample.replay.event_count", count);
            }
            finally
            {
                Activity.Current = previous;
            }
        }

        return count;
    }

    private Func<StoredEvent, ProcessScope> HandlingScopes(string subscriber, Activity? trigger) => stored =>
    {
        ProcessScope scope = _eventTracer.StartHandling(stored.Metadata, subscriber, EventDelivery.Replay, stored);
        if (trigger is not null)
        {
            scope.Activity?.AddLink(new ActivityLink(trigger.Context));
        }

        return scope;
    };
}
