using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using EventSourcing.EventStore;
using Messaging.Tracing.Spans;

namespace EventSourcing.Projections;

/// <summary>Something that reacts to stored events: a projection or a process manager. Each has its own Kafka consumer.</summary>
public interface IEventSubscriber
{
    /// <summary>Gets the subscriber's name (<c>band-catalog</c>); it names its consumer group and its spans.</summary>
    string Name { get; }

    /// <summary>Handles one event delivered live (from Kafka), inside the consumer's process span.</summary>
    /// <param name="stored">The event.</param>
    /// <param name="cancellationToken">Cancels the handling.</param>
    /// <returns>A task that completes when the event was handled.</returns>
    Task HandleAsync(StoredEvent stored, CancellationToken cancellationToken);

    /// <summary>
    /// Rebuilds the subscriber's state from stored history, without side effects (no commands sent): a replay asked for
    /// over HTTP, or the catch-up at startup. Each event is handled inside the scope <paramref name="startHandling"/> opens.
    /// </summary>
    /// <param name="history">The events, in store order.</param>
    /// <param name="startHandling">Opens the handling scope of one event (a new trace linked to the original append).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The number of events handled.</returns>
    Task<int> RestoreAsync(IAsyncEnumerable<StoredEvent> history, Func<StoredEvent, ProcessScope> startHandling, CancellationToken cancellationToken);
}
