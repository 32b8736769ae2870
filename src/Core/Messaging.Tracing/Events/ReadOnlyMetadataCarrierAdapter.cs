using System.Collections.Generic;
using Messaging.Tracing.Propagation;

namespace Messaging.Tracing.Events;

/// <summary>
/// Carrier adapter for an event's stored metadata as a read-only view. Stored metadata is not changed on read:
/// <see cref="Replace"/> and <see cref="Remove"/> do nothing.
/// </summary>
public sealed class ReadOnlyMetadataCarrierAdapter : ICarrierAdapter<IReadOnlyDictionary<string, string>>
{
    private ReadOnlyMetadataCarrierAdapter()
    {
    }

    /// <summary>Gets the shared instance.</summary>
    public static ReadOnlyMetadataCarrierAdapter Instance { get; } = new();

    /// <inheritdoc/>
    public CarrierValueKind ValueKind => CarrierValueKind.Text;

    /// <inheritdoc/>
    public bool TryGet(IReadOnlyDictionary<string, string> carrier, string key, out CarrierValue value)
    {
        bool found = carrier.TryGetValue(key, out string? text) && text is not null;
        value = CarrierValue.FromText(found ? text : null);
        return found;
    }

    /// <inheritdoc/>
    public void Replace(IReadOnlyDictionary<string, string> carrier, string key, CarrierValue value)
    {
    }

    /// <inheritdoc/>
    public void Remove(IReadOnlyDictionary<string, string> carrier, string key)
    {
    }
}
