using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace EventSourcing.EventStore;

/// <summary>An append-only store of event streams, one stream per aggregate, with a global order for replays.</summary>
public interface IEventStore
{
    /// <summary>Gets the <c>messaging.system</c> of the store's spans (<c>eventstore</c>, <c>redis</c>).</summary>
    string SystemName { get; }

    /// <summary>
    /// Gets a value indicating whether the store traces its appends itself (Marten, through Messaging.Tracing.Marten: the
    /// append span and the events' trace headers); the repository then starts no append span and writes only the
    /// correlation and causation ids into the metadata it passes.
    /// </summary>
    bool TracesAppends { get; }

    /// <summary>Reads one stream, oldest first; empty when it does not exist.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The stream's events.</returns>
    Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, CancellationToken cancellationToken);

    /// <summary>Appends events to a stream if it still has <paramref name="expectedVersion"/> events (optimistic concurrency).</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="expectedVersion">The number of events the writer has seen in the stream.</param>
    /// <param name="events">The events, in order.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>The stored events.</returns>
    /// <exception cref="WrongExpectedVersionException">Someone else appended first.</exception>
    Task<IReadOnlyList<StoredEvent>> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken);

    /// <summary>Reads every event of every stream in the order they were appended (for rebuilding projections).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The events.</returns>
    IAsyncEnumerable<StoredEvent> ReadAllAsync(CancellationToken cancellationToken);
}
