using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.EventStore;
using JasperFx.Events;
using Marten;
using Messaging.Tracing;
using Messaging.Tracing.Marten.Subscriptions;

namespace EventSourcing.Projections;

/// <summary>
/// A projection or process manager run on Marten's async daemon: a <see cref="TracedSubscription"/> named after the
/// subscriber, handing it each event as a <see cref="StoredEvent"/> with the event's <c>process {name}</c> span current
/// (live: following from the append; rebuild: a new trace linked to it). The subscriber does the same work as when Kafka
/// feeds it.
/// </summary>
public sealed class EventSubscriberSubscription : TracedSubscription
{
    private Activity? _rebuild;

    /// <summary>Initializes a new instance of the <see cref="EventSubscriberSubscription"/> class.</summary>
    /// <param name="tracer">The tracer of the process spans.</param>
    /// <param name="subscriber">The projection or process manager.</param>
    public EventSubscriberSubscription(MessagingTracer tracer, IEventSubscriber subscriber)
        : base(tracer)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        Subscriber = subscriber;
        Name = subscriber.Name;
    }

    /// <summary>Gets the projection or process manager.</summary>
    public IEventSubscriber Subscriber { get; }

    /// <summary>
    /// Sets the span that asked for a rebuild of this subscription (<c>replay {name}</c>), or null when it is done: while
    /// it is set, each event's process span also links to it, as the in-memory replay's do.
    /// </summary>
    /// <param name="rebuild">The span, or null.</param>
    public void SetRebuild(Activity? rebuild) => Volatile.Write(ref _rebuild, rebuild);

    /// <inheritdoc/>
    protected override Task HandleAsync(IEvent storedEvent, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _rebuild) is { } rebuild)
        {
            Activity.Current?.AddLink(new ActivityLink(rebuild.Context));
        }

        return Subscriber.HandleAsync(MartenEventStore.ToStored(storedEvent), cancellationToken);
    }
}
