using System.Collections.Generic;
using System.Linq;
using Messaging.Tracing.Propagation;

namespace Messaging.Tracing.Tests.Propagation;

/// <summary>Adapter for <see cref="HeaderList"/>, joining repeated keys with ',' as the contract asks.</summary>
public sealed class HeaderListAdapter : ICarrierAdapter<HeaderList>
{
    public static HeaderListAdapter Instance { get; } = new();

    public CarrierValueKind ValueKind => CarrierValueKind.Bytes;

    public bool TryGet(HeaderList carrier, string key, out CarrierValue value)
    {
        byte[][] values = carrier.Where(h => h.Key == key).Select(h => h.Value).ToArray();
        value = values.Length switch
        {
            0 => default,
            1 => CarrierValue.FromBytes(values[0]),
            _ => CarrierValue.FromBytes(values.Aggregate((a, b) => [.. a, (byte)',', .. b])),
        };
        return values.Length > 0;
    }

    public void Replace(HeaderList carrier, string key, CarrierValue value)
    {
        Remove(carrier, key);
        carrier.Add(new KeyValuePair<string, byte[]>(key, value.Bytes!));
    }

    public void Remove(HeaderList carrier, string key) => carrier.RemoveAll(h => h.Key == key);
}
