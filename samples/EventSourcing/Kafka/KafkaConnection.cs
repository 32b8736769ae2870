using System;

namespace EventSourcing.Kafka;

/// <summary>Where Kafka is: the configured cluster (<c>KAFKA_BOOTSTRAP_SERVERS</c>) or the embedded mock cluster.</summary>
/// <param name="BootstrapServers">The <c>host:port</c> list.</param>
/// <param name="IsEmbedded">Whether this is the embedded mock cluster.</param>
public sealed record KafkaConnection(string BootstrapServers, bool IsEmbedded)
{
    /// <summary>Gets a description for the startup log.</summary>
    public string Description => IsEmbedded ? $"embedded mock cluster at {BootstrapServers}" : BootstrapServers;

    /// <summary>Creates the connection for a configured cluster.</summary>
    /// <param name="bootstrapServers">The configured servers.</param>
    /// <returns>The connection.</returns>
    public static KafkaConnection Configured(string bootstrapServers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        return new KafkaConnection(bootstrapServers, IsEmbedded: false);
    }
}
