using Confluent.Kafka;
using Messaging.Tracing.Propagation;

namespace Messaging.Tracing.Kafka;

/// <summary>Carrier adapter for Kafka <see cref="Headers"/>: byte values, repeated keys allowed.</summary>
public sealed class KafkaHeadersCarrierAdapter : ICarrierAdapter<Headers>
{
    private KafkaHeadersCarrierAdapter()
    {
    }

    /// <summary>Gets the shared instance.</summary>
    public static KafkaHeadersCarrierAdapter Instance { get; } = new();

    /// <inheritdoc/>
    public CarrierValueKind ValueKind => CarrierValueKind.Bytes;

    /// <inheritdoc/>
    public bool TryGet(Headers carrier, string key, out CarrierValue value)
    {
        var values = new RepeatedValuesBuilder();
        for (int i = 0; i < carrier.Count; i++)
        {
            IHeader header = carrier[i];
            if (header.Key != key || header.GetValueBytes() is not { } bytes)
            {
                continue;
            }

            values.Add(bytes);
        }

        byte[]? found = values.ToValue();
        value = CarrierValue.FromBytes(found);
        return found is not null;
    }

    /// <inheritdoc/>
    public void Replace(Headers carrier, string key, CarrierValue value)
    {
        Remove(carrier, key);
        carrier.Add(key, value.Bytes ?? System.Text.Encoding.UTF8.GetBytes(value.ToString()));
    }

    /// <inheritdoc/>
    public void Remove(Headers carrier, string key)
    {
        // Confluent's Headers.Remove allocates a predicate closure on every call, and injecting removes three keys that
        // a new message rarely holds: look first.
        if (Contains(carrier, key))
        {
            carrier.Remove(key);
        }
    }

    private static bool Contains(Headers carrier, string key)
    {
        for (int i = 0; i < carrier.Count; i++)
        {
            if (carrier[i].Key == key)
            {
                return true;
            }
        }

        return false;
    }
}
