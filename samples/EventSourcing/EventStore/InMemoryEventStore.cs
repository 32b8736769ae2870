using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Events;

namespace EventSourcing.EventStore;

/// <summary>The embedded event store: streams in memory, gone when the process ends.</summary>
public sealed class InMemoryEventStore : IEventStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<StoredEvent>> _streams = new(StringComparer.Ordinal);
    private readonly List<StoredEvent> _all = new();

    /// <inheritdoc/>
    public string SystemName => EventTracer.DefaultSystem;

    /// <inheritdoc/>
    public bool TracesAppends => false;

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<StoredEvent> events = _streams.TryGetValue(streamId, out List<StoredEvent>? stream) ? stream.ToArray() : [];
            return Task.FromResult(events);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredEvent>> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        lock (_gate)
        {
            if (!_streams.TryGetValue(streamId, out List<StoredEvent>? stream))
            {
                stream = new List<StoredEvent>();
                _streams.Add(streamId, stream);
            }

            if (stream.Count != expectedVersion)
            {
                throw WrongExpectedVersionException.For(streamId, expectedVersion, stream.Count);
            }

            var stored = new StoredEvent[events.Count];
            for (int i = 0; i < events.Count; i++)
            {
                EventData data = events[i];
                stored[i] = new StoredEvent(data.EventId, streamId, stream.Count + 1, data.Type, data.Data, new Dictionary<string, string>(data.Metadata, StringComparer.Ordinal));
                stream.Add(stored[i]);
                _all.Add(stored[i]);
            }

            return Task.FromResult<IReadOnlyList<StoredEvent>>(stored);
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        StoredEvent[] snapshot;
        lock (_gate)
        {
            snapshot = _all.ToArray();
        }

        foreach (StoredEvent stored in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return stored;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
