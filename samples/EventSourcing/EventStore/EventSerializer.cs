using System;
using System.Collections.Generic;
using System.Text.Json;
using EventSourcing.Domain;

namespace EventSourcing.EventStore;

/// <summary>Domain events to and from their stored form (type name + JSON), and stored events to and from Kafka message values.</summary>
public static class EventSerializer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        [nameof(BandRegistered)] = typeof(BandRegistered),
        [nameof(ReviewAdded)] = typeof(ReviewAdded),
        [nameof(BandFeatured)] = typeof(BandFeatured),
    };

    /// <summary>Returns the stored type name of a domain event.</summary>
    /// <param name="event">The event.</param>
    /// <returns>Its type name.</returns>
    public static string TypeName(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        string name = @event.GetType().Name;
        return Types.ContainsKey(name) ? name : throw new ArgumentException($"{name} is not a known event type.", nameof(@event));
    }

    /// <summary>Serializes a domain event's body.</summary>
    /// <param name="event">The event.</param>
    /// <returns>The JSON.</returns>
    public static string Serialize(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return JsonSerializer.Serialize(@event, @event.GetType(), Json);
    }

    /// <summary>Deserializes a stored event's body into its domain event.</summary>
    /// <param name="stored">The stored event.</param>
    /// <returns>The domain event.</returns>
    public static object Deserialize(StoredEvent stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!Types.TryGetValue(stored.Type, out Type? type))
        {
            throw new InvalidOperationException($"Event {stored.EventId} has the unknown type '{stored.Type}'.");
        }

        return JsonSerializer.Deserialize(stored.Data, type, Json)
            ?? throw new InvalidOperationException($"Event {stored.EventId} has an empty body.");
    }

    /// <summary>Deserializes an event to append into its domain event (for stores that keep the object, such as Marten).</summary>
    /// <param name="data">The event to append.</param>
    /// <returns>The domain event.</returns>
    public static object Deserialize(EventData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Deserialize(new StoredEvent(data.EventId, string.Empty, 0, data.Type, data.Data, data.Metadata));
    }

    /// <summary>Serializes a whole stored event (id, stream, version, type, body, metadata) as a Kafka message value.</summary>
    /// <param name="stored">The stored event.</param>
    /// <returns>The JSON.</returns>
    public static string SerializeStored(StoredEvent stored) => JsonSerializer.Serialize(stored, Json);

    /// <summary>Deserializes a Kafka message value into the stored event it carries.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The stored event.</returns>
    public static StoredEvent DeserializeStored(string json) =>
        JsonSerializer.Deserialize<StoredEvent>(json, Json) ?? throw new InvalidOperationException("The message carries no event.");
}
