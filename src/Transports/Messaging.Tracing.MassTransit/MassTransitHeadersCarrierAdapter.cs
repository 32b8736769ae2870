using System.Text;
using MassTransit;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Propagation;

namespace Messaging.Tracing.MassTransit;

/// <summary>
/// Carrier adapter for MassTransit <see cref="Headers"/>. Received headers are read-only: <see cref="Replace"/> and
/// <see cref="Remove"/> act only on <see cref="SendHeaders"/>.
/// </summary>
public sealed class MassTransitHeadersCarrierAdapter : ICarrierAdapter<Headers>
{
    private MassTransitHeadersCarrierAdapter()
    {
    }

    /// <summary>Gets the shared instance.</summary>
    public static MassTransitHeadersCarrierAdapter Instance { get; } = new();

    /// <inheritdoc/>
    public CarrierValueKind ValueKind => CarrierValueKind.Text;

    /// <inheritdoc/>
    public bool TryGet(Headers carrier, string key, out CarrierValue value)
    {
        value = carrier.TryGetHeader(key, out object? header) ? header switch
        {
            string text => CarrierValue.FromText(text),
            byte[] bytes => CarrierValue.FromBytes(bytes),
            _ => default,
        } : default;
        if (value.IsEmpty && header is not null and not string and not byte[])
        {
            // A header of another type (a number, a list, a table from a foreign AMQP producer) cannot carry the context:
            // report it by name only and read it as absent.
            MessagingTracingEventSource.Log.MalformedHeader(key, 0);
        }

        return !value.IsEmpty;
    }

    /// <inheritdoc/>
    public void Replace(Headers carrier, string key, CarrierValue value)
    {
        if (carrier is SendHeaders headers)
        {
            headers.Set(key, value.Text ?? Encoding.UTF8.GetString(value.Bytes ?? []));
        }
    }

    /// <inheritdoc/>
    public void Remove(Headers carrier, string key)
    {
        if (carrier is SendHeaders headers)
        {
            headers.Set(key, (string?)null);
        }
    }
}
