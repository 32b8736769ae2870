using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace EventSourcing.EventStore;

/// <summary>
/// The event store on Redis Streams: one stream per aggregate (<c>{prefix}stream:{streamId}</c>) and a global stream
/// (<c>{prefix}all</c>) holding a copy of every event in append order, for replays. Each event is one stream entry whose
/// fields are <c>event-id</c>, <c>event-type</c>, <c>stream</c>, <c>version</c>, <c>data</c> and its metadata
/// (<c>traceparent</c>, <c>tracestate</c>, <c>baggage</c>, <c>correlation-id</c>, <c>causation-id</c>) field by field.
/// </summary>
/// <remarks>
/// StackExchange.Redis's typed stream API throughout: an append is one transaction (<c>MULTI</c>/<c>EXEC</c>) whose
/// condition, <see cref="Condition.StreamLengthEqual"/>, is the optimistic concurrency check, and whose
/// <c>StreamAddAsync</c> calls write each event to both streams atomically; reads page with <c>StreamRangeAsync</c>.
/// </remarks>
public sealed class RedisEventStore : IEventStore
{
    /// <summary>The stream entry field of the event id.</summary>
    public const string EventIdField = "event-id";

    /// <summary>The stream entry field of the event type.</summary>
    public const string EventTypeField = "event-type";

    /// <summary>The stream entry field of the stream (aggregate) id.</summary>
    public const string StreamField = "stream";

    /// <summary>The stream entry field of the version in the stream.</summary>
    public const string VersionField = "version";

    /// <summary>The stream entry field of the JSON body.</summary>
    public const string DataField = "data";

    private const int PageSize = 256;

    private static readonly HashSet<string> ReservedFields = new(StringComparer.Ordinal) { EventIdField, EventTypeField, StreamField, VersionField, DataField };

    private readonly IDatabase _database;
    private readonly string _keyPrefix;

    /// <summary>Initializes a new instance of the <see cref="RedisEventStore"/> class.</summary>
    /// <param name="database">The Redis database.</param>
    /// <param name="keyPrefix">The prefix of the store's keys.</param>
    public RedisEventStore(IDatabase database, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _database = database;
        _keyPrefix = keyPrefix;
    }

    /// <inheritdoc/>
    public string SystemName => "redis";

    /// <inheritdoc/>
    public bool TracesAppends => false;

    /// <summary>Gets the key of the global stream.</summary>
    public string AllStreamKey => _keyPrefix + "all";

    /// <summary>Returns the key of an aggregate's stream.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <returns>The Redis key.</returns>
    public string StreamKey(string streamId) => _keyPrefix + "stream:" + streamId;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        await foreach (StoredEvent stored in ReadRangeAsync(StreamKey(streamId), cancellationToken).ConfigureAwait(false))
        {
            events.Add(stored);
        }

        return events;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredEvent>> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        string streamKey = StreamKey(streamId);
        ITransaction transaction = _database.CreateTransaction();
        transaction.AddCondition(Condition.StreamLengthEqual(streamKey, expectedVersion));
        var appends = new List<Task>(2 * events.Count);
        for (int i = 0; i < events.Count; i++)
        {
            NameValueEntry[] entry = Entry(streamId, expectedVersion + i + 1, events[i]);
            appends.Add(transaction.StreamAddAsync(streamKey, entry));
            appends.Add(transaction.StreamAddAsync(AllStreamKey, entry));
        }

        if (!await transaction.ExecuteAsync().ConfigureAwait(false))
        {
            // The condition failed: nothing was written (the queued appends are cancelled).
            long actual = await _database.StreamLengthAsync(streamKey).ConfigureAwait(false);
            throw WrongExpectedVersionException.For(streamId, expectedVersion, actual);
        }

        await Task.WhenAll(appends).ConfigureAwait(false);
        var stored = new StoredEvent[events.Count];
        for (int i = 0; i < events.Count; i++)
        {
            stored[i] = new StoredEvent(events[i].EventId, streamId, expectedVersion + i + 1, events[i].Type, events[i].Data, events[i].Metadata);
        }

        return stored;
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<StoredEvent> ReadAllAsync(CancellationToken cancellationToken) => ReadRangeAsync(AllStreamKey, cancellationToken);

    /// <summary>The stream entry of an event: its own fields, its metadata field by field, then its version.</summary>
    private static NameValueEntry[] Entry(string streamId, long version, EventData data)
    {
        var entry = new List<NameValueEntry>(5 + data.Metadata.Count)
        {
            new(EventIdField, data.EventId.ToString("D")),
            new(EventTypeField, data.Type),
            new(StreamField, streamId),
            new(DataField, data.Data),
        };
        foreach (KeyValuePair<string, string> metadata in data.Metadata)
        {
            if (ReservedFields.Contains(metadata.Key))
            {
                throw new ArgumentException($"Metadata key '{metadata.Key}' is a reserved stream entry field.", nameof(data));
            }

            entry.Add(new NameValueEntry(metadata.Key, metadata.Value));
        }

        entry.Add(new NameValueEntry(VersionField, version));
        return [.. entry];
    }

    private async IAsyncEnumerable<StoredEvent> ReadRangeAsync(string key, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RedisValue start = "-";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            StreamEntry[] entries = await _database.StreamRangeAsync(key, start, "+", PageSize).ConfigureAwait(false);
            foreach (StreamEntry entry in entries)
            {
                // The next page starts after this entry (an exclusive range, Redis 6.2 and later).
                start = "(" + entry.Id;
                yield return Parse(entry.Values);
            }

            if (entries.Length < PageSize)
            {
                yield break;
            }
        }
    }

    private static StoredEvent Parse(NameValueEntry[] values)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        Guid eventId = Guid.Empty;
        string type = string.Empty;
        string stream = string.Empty;
        string data = string.Empty;
        long version = 0;
        foreach (NameValueEntry entry in values)
        {
            string name = entry.Name!;
            string value = entry.Value!;
            switch (name)
            {
                case EventIdField:
                    eventId = Guid.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case EventTypeField:
                    type = value;
                    break;
                case StreamField:
                    stream = value;
                    break;
                case DataField:
                    data = value;
                    break;
                case VersionField:
                    version = long.Parse(value, CultureInfo.InvariantCulture);
                    break;
                default:
                    metadata[name] = value;
                    break;
            }
        }

        return new StoredEvent(eventId, stream, version, type, data, metadata);
    }
}
