using System;
using System.Collections.Generic;
using System.Text;
using Messaging.Tracing.Propagation;
using StackExchange.Redis;

namespace Messaging.Tracing.Redis;

/// <summary>
/// Carrier adapter for the fields of a Redis stream entry (<see cref="StreamField"/> list). Writes text values; reads the
/// values' bytes as stored. Names are matched exactly (byte for byte, case-sensitive, as Redis compares them).
/// </summary>
/// <remarks>
/// A name that occurs more than once in an entry (<c>XADD</c> allows it) reads as all its values joined with <c>,</c>, as
/// the adapter contract says: a repeated <c>traceparent</c> is then invalid (a new trace), repeated <c>tracestate</c> or
/// <c>baggage</c> lists merge. <see cref="Replace"/> removes every earlier field of the name and appends one at the end,
/// so other fields keep their order. Reading works on any list, arrays included; writing needs a list that can grow.
/// </remarks>
public sealed class StreamFieldsCarrierAdapter : ICarrierAdapter<IList<StreamField>>
{
    // Names as raw bytes: a field name read from Redis is raw bytes too, and raw-to-raw equality compares without
    // decoding in both StackExchange.Redis 1.2.6 and 2.x.
    private static readonly RedisValue TraceParentName = Encoding.ASCII.GetBytes(PropagationHeaderNames.TraceParent);
    private static readonly RedisValue TraceStateName = Encoding.ASCII.GetBytes(PropagationHeaderNames.TraceState);
    private static readonly RedisValue BaggageName = Encoding.ASCII.GetBytes(PropagationHeaderNames.Baggage);
    private static readonly RedisValue MassTransitActivityIdName = Encoding.ASCII.GetBytes(PropagationHeaderNames.MassTransitActivityId);

    private StreamFieldsCarrierAdapter()
    {
    }

    /// <summary>Gets the shared instance.</summary>
    public static StreamFieldsCarrierAdapter Instance { get; } = new();

    /// <inheritdoc/>
    public CarrierValueKind ValueKind => CarrierValueKind.Text;

    /// <inheritdoc/>
    public bool TryGet(IList<StreamField> carrier, string key, out CarrierValue value)
    {
        ArgumentNullException.ThrowIfNull(carrier);
        ArgumentNullException.ThrowIfNull(key);
        RedisValue name = FieldName(key);
        var values = new RepeatedValuesBuilder();
        for (int i = 0; i < carrier.Count; i++)
        {
            StreamField field = carrier[i];
            if (field.Value.IsNull || field.Name != name)
            {
                continue;
            }

            byte[] bytes = (byte[])field.Value!;
            values.Add(bytes);
        }

        byte[]? found = values.ToValue();
        value = CarrierValue.FromBytes(found);
        return found is not null;
    }

    /// <inheritdoc/>
    public void Replace(IList<StreamField> carrier, string key, CarrierValue value)
    {
        Remove(carrier, key);
        carrier.Add(new StreamField(key, value.Text ?? value.ToString()));
    }

    /// <inheritdoc/>
    public void Remove(IList<StreamField> carrier, string key)
    {
        ArgumentNullException.ThrowIfNull(carrier);
        ArgumentNullException.ThrowIfNull(key);
        RedisValue name = FieldName(key);
        for (int i = carrier.Count - 1; i >= 0; i--)
        {
            if (carrier[i].Name == name)
            {
                carrier.RemoveAt(i);
            }
        }
    }

    private static RedisValue FieldName(string key) => key switch
    {
        PropagationHeaderNames.TraceParent => TraceParentName,
        PropagationHeaderNames.TraceState => TraceStateName,
        PropagationHeaderNames.Baggage => BaggageName,
        PropagationHeaderNames.MassTransitActivityId => MassTransitActivityIdName,
        _ => Encoding.UTF8.GetBytes(key),
    };
}
