namespace Messaging.Tracing.Redis;

/// <summary>Redis attribute names and values used on this library's spans.</summary>
/// <remarks>
/// The OpenTelemetry messaging semantic conventions register no <c>messaging.system</c> value for Redis Streams; as they
/// ask for systems they do not list, the value is the system's own lower-case name, <see cref="SystemName"/>. The other
/// attributes of the spans are the generic messaging ones (<c>messaging.destination.name</c> is the stream key,
/// <c>messaging.message.id</c> the entry id, <c>messaging.consumer.group.name</c> the consumer group,
/// <c>messaging.client.id</c> the consumer's name).
/// </remarks>
public static class RedisAttributes
{
    /// <summary>The <c>messaging.system</c> value: <c>redis</c>.</summary>
    public const string SystemName = "redis";

    /// <summary>
    /// <c>messaging.redis.message.delivery_count</c>: how many times the consumer group has delivered the entry, this
    /// delivery included — 1 for a new entry, more for one recovered from a consumer that did not acknowledge it.
    /// </summary>
    public const string DeliveryCount = "messaging.redis.message.delivery_count";
}
