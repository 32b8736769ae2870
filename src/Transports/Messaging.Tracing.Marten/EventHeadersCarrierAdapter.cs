using System.Text.Json;
using JasperFx.Events;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Propagation;

namespace Messaging.Tracing.Marten;

/// <summary>
/// Carrier adapter for the headers of a Marten event (<see cref="IEvent.Headers"/>, stored in the <c>headers</c> column of
/// <c>mt_events</c> when <c>StoreOptions.Events.MetadataConfig.HeadersEnabled</c> is on).
/// </summary>
/// <remarks>
/// Values are written as strings. Read back from the database, a header is whatever Marten's serializer made of the stored
/// JSON: a string (Marten 9.62 with System.Text.Json), or a string <see cref="JsonElement"/>. A JSON <c>null</c> reads as
/// absent; any other value (a number, a boolean, an object, an array: only a foreign writer stores one) cannot carry the
/// header: it is reported by name through <c>MessagingTracingEventSource.MalformedHeader</c> (length 0), as a non-text AMQP
/// value is, and reads as absent.
/// </remarks>
internal sealed class EventHeadersCarrierAdapter : ICarrierAdapter<IEvent>
{
    private EventHeadersCarrierAdapter()
    {
    }

    public static EventHeadersCarrierAdapter Instance { get; } = new();

    public CarrierValueKind ValueKind => CarrierValueKind.Text;

    public bool TryGet(IEvent carrier, string key, out CarrierValue value)
    {
        value = default;
        if (carrier.Headers is not { } headers || !headers.TryGetValue(key, out object? stored))
        {
            return false;
        }

        string? text;
        switch (stored)
        {
            case string s:
                text = s;
                break;
            case JsonElement { ValueKind: JsonValueKind.String } element:
                text = element.GetString();
                break;
            case null:
            case JsonElement { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined }:
                return false;
            default:
                MessagingTracingEventSource.Log.MalformedHeader(key, 0);
                return false;
        }

        value = CarrierValue.FromText(text);
        return text is not null;
    }

    public void Replace(IEvent carrier, string key, CarrierValue value) => carrier.SetHeader(key, value.ToString());

    public void Remove(IEvent carrier, string key) => carrier.Headers?.Remove(key);
}
