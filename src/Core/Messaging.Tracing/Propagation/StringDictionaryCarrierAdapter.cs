using System.Collections.Generic;

namespace Messaging.Tracing.Propagation;

/// <summary>Carrier adapter for string dictionaries: event metadata, Redis stream fields, test carriers.</summary>
public sealed class StringDictionaryCarrierAdapter : ICarrierAdapter<IDictionary<string, string>>
{
    private StringDictionaryCarrierAdapter()
    {
    }

    /// <summary>Gets the shared instance.</summary>
    public static StringDictionaryCarrierAdapter Instance { get; } = new();

    /// <inheritdoc/>
    public CarrierValueKind ValueKind => CarrierValueKind.Text;

    /// <inheritdoc/>
    public bool TryGet(IDictionary<string, string> carrier, string key, out CarrierValue value)
    {
        bool found = carrier.TryGetValue(key, out string? text) && text is not null;
        value = CarrierValue.FromText(found ? text : null);
        return found;
    }

    /// <inheritdoc/>
    public void Replace(IDictionary<string, string> carrier, string key, CarrierValue value) => carrier[key] = value.ToString();

    /// <inheritdoc/>
    public void Remove(IDictionary<string, string> carrier, string key) => carrier.Remove(key);
}
