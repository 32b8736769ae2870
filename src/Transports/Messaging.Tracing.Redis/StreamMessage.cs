using System;
using System.Collections.Generic;
using OpenTelemetry.Context.Propagation;
using StackExchange.Redis;

namespace Messaging.Tracing.Redis;

/// <summary>
/// A stream entry as a <see cref="TracedStreamConsumer"/> hands it to the handler: the stream, the entry id, the fields
/// exactly as stored (trace fields included), and how often the consumer group has delivered it.
/// </summary>
public sealed class StreamMessage
{
    private readonly StreamField[] _fields;

    /// <summary>Initializes a new instance of the <see cref="StreamMessage"/> class (for entries read elsewhere, and tests).</summary>
    /// <param name="stream">The stream key.</param>
    /// <param name="id">The entry id (<c>1700000000000-0</c>).</param>
    /// <param name="fields">The fields in stream order; copied.</param>
    /// <param name="deliveryCount">How many times the consumer group has delivered the entry, this delivery included.</param>
    /// <param name="isClaimed">Whether the entry was recovered from a consumer that did not acknowledge it.</param>
    public StreamMessage(string stream, string id, IEnumerable<StreamField> fields, long deliveryCount = 1, bool isClaimed = false)
        : this(stream, id, Copy(fields), deliveryCount, isClaimed)
    {
    }

    internal StreamMessage(string stream, string id, StreamField[] fields, long deliveryCount, bool isClaimed)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(deliveryCount);
        Stream = stream;
        Id = id;
        _fields = fields;
        DeliveryCount = deliveryCount;
        IsClaimed = isClaimed;
    }

    /// <summary>Gets the stream key.</summary>
    public string Stream { get; }

    /// <summary>Gets the entry id.</summary>
    public string Id { get; }

    /// <summary>Gets the fields in stream order, values byte for byte as stored; a name may repeat.</summary>
    public IReadOnlyList<StreamField> Fields => _fields;

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

    /// <summary>The fields as the carrier the adapter reads.</summary>
    internal IList<StreamField> Carrier => _fields;

    private static StreamField[] Copy(IEnumerable<StreamField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return [.. fields];
    }

    /// <summary>Gets the value of the first field named <paramref name="name"/>.</summary>
    /// <param name="name">The field name (exact, case-sensitive).</param>
    /// <param name="value">The value; <see cref="RedisValue.Null"/> when absent.</param>
    /// <returns><see langword="true"/> when the entry has the field.</returns>
    public bool TryGetValue(RedisValue name, out RedisValue value)
    {
        foreach (StreamField field in _fields)
        {
            if (field.Name == name)
            {
                value = field.Value;
                return true;
            }
        }

        value = RedisValue.Null;
        return false;
    }

    /// <summary>
    /// Reads the producer's trace context and baggage from the entry's fields, for applications that start their own
    /// spans. Never throws; <c>default</c> when there is none or it is invalid.
    /// </summary>
    /// <param name="tracer">The tracer (its baggage filter applies); <see cref="MessagingTracer.Default"/> when null.</param>
    /// <returns>The producer's context.</returns>
    public PropagationContext ExtractTraceContext(MessagingTracer? tracer = null)
        => (tracer ?? MessagingTracer.Default).Extract(Carrier, StreamFieldsCarrierAdapter.Instance);
}
