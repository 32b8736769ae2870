namespace Messaging.Tracing.Propagation;

/// <summary>How a carrier stores header values natively.</summary>
public enum CarrierValueKind
{
    /// <summary>Strings: MassTransit headers, Redis stream fields, event metadata.</summary>
    Text,

    /// <summary>Byte arrays (UTF-8): Kafka headers, RabbitMQ header tables.</summary>
    Bytes,
}
