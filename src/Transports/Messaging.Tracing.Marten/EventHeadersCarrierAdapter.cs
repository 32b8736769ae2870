using System.Text.Json;
using JasperFx.Events;
using Messaging.Tracing.Propagation;

namespace Messaging.Tracing.Marten;

/// <summary>
/// Carrier adapter for the headers of a Marten event (<see cref="IEvent.Headers"/>, stored in the <c>headers</c> column of
/// <c>mt_events</c> when <c>StoreOptions.Events.MetadataConfig.HeadersEnabled</c> is on).
/// </summary>
/// <remarks>
/// Values are written as strings. Read back from the database, a header is whatever Marten's serializer made of the stored
/// JSON: a string, or a <see cref="JsonElement"/> with System.Text.Json; any other value (a number, an object) is not a
/// trace header and reads as absent.
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
        string? text = carrier.Headers is { } headers && headers.TryGetValue(key, out object? stored)
            ? stored switch
            {
                string s => s,
                JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
                _ => null,
            }
            : null;
        value = CarrierValue.FromText(text);
        return text is not null;
    }

    public void Replace(IEvent carrier, string key, CarrierValue value) => carrier.SetHeader(key, value.ToString());

    public void Remove(IEvent carrier, string key) => carrier.Headers?.Remove(key);
}
