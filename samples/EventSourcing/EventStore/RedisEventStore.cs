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
/// StackExchange.Redis 1.2.6 has no stream API: entries are written by a Lua script (<c>XLEN</c> check for optimistic
/// concurrency, then <c>XADD</c> to both streams, atomically) and read with <c>XRANGE</c> through <c>ExecuteAsync</c>.
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

    // KEYS[1] the aggregate's stream, KEYS[2] the global stream. ARGV[1] the expected version, ARGV[2] the number of
    // events, then per event its number of field/value pairs followed by the pairs; the script adds 'version'.
    // Returns the stream's new version.
    private const string AppendScript = """
        local version = redis.call('XLEN', KEYS[1])
        if version ~= tonumber(ARGV[1]) then
          return redis.error_reply('WRONGVERSION ' .. version)
        end
        local i = 3
        for e = 1, tonumber(ARGV[2]) do
          local n = tonumber(ARGV[i])
          local fields = {}
          for f = 1, n * 2 do
            fields[f] = ARGV[i + f]
          end
          i = i + 1 + n * 2
          version = version + 1
          fields[#fields + 1] = 'version'
          fields[#fields + 1] = tostring(version)
          redis.call('XADD', KEYS[1], '*', unpack(fields))
          redis.call('XADD', KEYS[2], '*', unpack(fields))
        end
        return version
        """;

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
        var args = new List<RedisValue> { expectedVersion, events.Count };
        foreach (EventData data in events)
        {
            args.Add(4 + data.Metadata.Count);
            args.Add(EventIdField);
            args.Add(data.EventId.ToString("D"));
            args.Add(EventTypeField);
            args.Add(data.Type);
            args.Add(StreamField);
            args.Add(streamId);
            args.Add(DataField);
            args.Add(data.Data);
            foreach (KeyValuePair<string, string> entry in data.Metadata)
            {
                if (ReservedFields.Contains(entry.Key))
                {
                    throw new ArgumentException($"Metadata key '{entry.Key}' is a reserved stream entry field.", nameof(events));
                }

                args.Add(entry.Key);
                args.Add(entry.Value);
            }
        }

        try
        {
            await _database.ScriptEvaluateAsync(AppendScript, [StreamKey(streamId), AllStreamKey], args.ToArray()).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("WRONGVERSION", StringComparison.Ordinal))
        {
            long actual = long.Parse(ex.Message.AsSpan("WRONGVERSION ".Length), CultureInfo.InvariantCulture);
            throw WrongExpectedVersionException.For(streamId, expectedVersion, actual);
        }

        var stored = new StoredEvent[events.Count];
        for (int i = 0; i < events.Count; i++)
        {
            stored[i] = new StoredEvent(events[i].EventId, streamId, expectedVersion + i + 1, events[i].Type, events[i].Data, events[i].Metadata);
        }

        return stored;
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<StoredEvent> ReadAllAsync(CancellationToken cancellationToken) => ReadRangeAsync(AllStreamKey, cancellationToken);

    private async IAsyncEnumerable<StoredEvent> ReadRangeAsync(string key, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string start = "-";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RedisResult reply = await _database.ExecuteAsync("XRANGE", key, start, "+", "COUNT", PageSize).ConfigureAwait(false);
            RedisResult[] entries = reply.IsNull ? [] : (RedisResult[])reply!;
            foreach (RedisResult entry in entries)
            {
                RedisResult[] pair = (RedisResult[])entry!;
                start = "(" + (string)pair[0]!;
                yield return Parse((RedisResult[])pair[1]!);
            }

            if (entries.Length < PageSize)
            {
                yield break;
            }
        }
    }

    private static StoredEvent Parse(RedisResult[] fields)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        Guid eventId = Guid.Empty;
        string type = string.Empty;
        string stream = string.Empty;
        string data = string.Empty;
        long version = 0;
        for (int i = 0; i + 1 < fields.Length; i += 2)
        {
            string name = (string)fields[i]!;
            string value = (string)fields[i + 1]!;
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
