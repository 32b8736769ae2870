using System;
using System.Collections.Generic;
using OpenTelemetry.Context.Propagation;
using StackExchange.Redis;

namespace Messaging.Tracing.Redis;

/// <summary>
/// A stream entry as a <see cref="TracedStreamConsumer"/> hands it to the handler: StackExchange.Redis's
/// <see cref="StreamEntry"/> (its <see cref="Id"/> and <see cref="Values"/>, exactly as stored, trace values included) with
/// the stream it came from and how often the consumer group has delivered it.
/// </summary>
public sealed class StreamMessage
{
    private readonly NameValueEntry[] _values;

    /// <summary>Initializes a new instance of the <see cref="StreamMessage"/> class for an entry read elsewhere (with StackExchange.Redis's <c>StreamReadGroupAsync</c>, say).</summary>
    /// <param name="stream">The stream key.</param>
    /// <param name="entry">The entry; its values are copied.</param>
    /// <param name="deliveryCount">How many times the consumer group has delivered the entry, this delivery included.</param>
    /// <param name="isClaimed">Whether the entry was recovered from a consumer that did not acknowledge it.</param>
    /// <exception cref="ArgumentException">The stream is empty, or the entry has no id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deliveryCount"/> is not positive.</exception>
    public StreamMessage(string stream, StreamEntry entry, long deliveryCount = 1, bool isClaimed = false)
        : this(stream, entry.Id, Copy(entry.Values ?? []), deliveryCount, isClaimed)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StreamMessage"/> class (for entries read elsewhere, and tests).</summary>
    /// <param name="stream">The stream key.</param>
    /// <param name="id">The entry id (<c>1700000000000-0</c>).</param>
    /// <param name="values">The entry's name/value pairs in stream order; copied.</param>
    /// <param name="deliveryCount">How many times the consumer group has delivered the entry, this delivery included.</param>
    /// <param name="isClaimed">Whether the entry was recovered from a consumer that did not acknowledge it.</param>
    /// <exception cref="ArgumentException">The stream or the id is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deliveryCount"/> is not positive.</exception>
    public StreamMessage(string stream, RedisValue id, IEnumerable<NameValueEntry> values, long deliveryCount = 1, bool isClaimed = false)
        : this(stream, id, Copy(values), deliveryCount, isClaimed)
    {
    }

    private StreamMessage(string stream, RedisValue id, NameValueEntry[] values, long deliveryCount, bool isClaimed)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        if (id.IsNullOrEmpty)
        {
            throw new ArgumentException("A stream entry has an id.", nameof(id));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(deliveryCount);
        Stream = stream;
        Id = id;
        _values = values;
        DeliveryCount = deliveryCount;
        IsClaimed = isClaimed;
    }

    /// <summary>Gets the stream key.</summary>
    public string Stream { get; }

    /// <summary>Gets the entry id, as <see cref="StreamEntry.Id"/>.</summary>
    public RedisValue Id { get; }

    /// <summary>Gets the entry's name/value pairs in stream order, values byte for byte as stored (a name may repeat), as <see cref="StreamEntry.Values"/>.</summary>
    public IReadOnlyList<NameValueEntry> Values => _values;

    /// <summary>
    /// Gets how many times the consumer group has delivered the entry, this delivery included: 1 for a new entry, more
    /// for one recovered from a consumer that did not acknowledge it (Redis counts every delivery and claim).
    /// </summary>
    public long DeliveryCount { get; }

    /// <summary>
    /// Gets a value indicating whether the entry was recovered (claimed) from a consumer that had not acknowledged it within
    /// the minimum idle time: redelivered work, by default processed in a new trace linked to its producer.
    /// </summary>
    public bool IsClaimed { get; }

    /// <summary>The values as the carrier the adapter reads.</summary>
    internal IList<NameValueEntry> Carrier => _values;

    /// <summary>Gets the value of the first pair named <paramref name="name"/>.</summary>
    /// <param name="name">The name (exact, case-sensitive).</param>
    /// <param name="value">The value; <see cref="RedisValue.Null"/> when absent.</param>
    /// <returns><see langword="true"/> when the entry has the name.</returns>
    public bool TryGetValue(RedisValue name, out RedisValue value)
    {
        foreach (NameValueEntry pair in _values)
        {
            if (pair.Name == name)
            {
                value = pair.Value;
                return true;
            }
        }

        value = RedisValue.Null;
        return false;
    }

    /// <summary>
    /// Reads the producer's trace context and baggage from the entry's values, for applications that start their own
    /// spans. Never throws; <c>default</c> when there is none or it is invalid.
    /// </summary>
    /// <param name="tracer">The application's tracer (its inbound baggage filter applies).</param>
    /// <returns>The producer's context.</returns>
    public PropagationContext ExtractTraceContext(MessagingTracer tracer)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        return tracer.Extract(Carrier, NameValueEntriesCarrierAdapter.Instance);
    }

    /// <summary>A message over an entry StackExchange.Redis has just parsed for this library (its values are not copied).</summary>
    internal static StreamMessage Received(string stream, StreamEntry entry, long deliveryCount, bool isClaimed)
        => new(stream, entry.Id, entry.Values, deliveryCount, isClaimed);

    private static NameValueEntry[] Copy(IEnumerable<NameValueEntry> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return [.. values];
    }
}
