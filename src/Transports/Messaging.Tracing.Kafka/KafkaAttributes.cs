namespace Messaging.Tracing.Kafka;

/// <summary>Kafka attribute names of the OpenTelemetry messaging semantic conventions.</summary>
public static class KafkaAttributes
{
    /// <summary>The <c>messaging.system</c> value.</summary>
    public const string SystemName = "kafka";

    /// <summary><c>messaging.destination.partition.id</c>.</summary>
    public const string PartitionId = "messaging.destination.partition.id";

    /// <summary><c>messaging.kafka.offset</c>.</summary>
    public const string Offset = "messaging.kafka.offset";

    /// <summary><c>messaging.kafka.message.key</c>: set for keys with a canonical string form only.</summary>
    public const string MessageKey = "messaging.kafka.message.key";

    /// <summary><c>messaging.kafka.message.tombstone</c>: set when the value is null.</summary>
    public const string Tombstone = "messaging.kafka.message.tombstone";
}
