using System;
using System.Collections.Generic;
using System.Globalization;
using Confluent.Kafka;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>
/// librdkafka's in-process mock cluster (docs/architecture.md, §6): brokers that speak the Kafka protocol on loopback ports, living in a
/// producer handle this class keeps open.
/// </summary>
public sealed class KafkaMockCluster : IDisposable
{
    private const int Brokers = 1;
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    private readonly IProducer<Null, Null> _host;
    private readonly IAdminClient _admin;

    /// <summary>Initializes a new instance of the <see cref="KafkaMockCluster"/> class and starts the brokers.</summary>
    public KafkaMockCluster()
    {
        var config = new ProducerConfig { ClientId = "messaging-tracing-benchmarks-mock" };
        config.Set("test.mock.num.brokers", Brokers.ToString(CultureInfo.InvariantCulture));
        _host = new ProducerBuilder<Null, Null>(config).SetLogHandler(static (_, _) => { }).Build();
        _admin = new DependentAdminClientBuilder(_host.Handle).Build();
        var servers = new List<string>();
        foreach (BrokerMetadata broker in _admin.GetMetadata(MetadataTimeout).Brokers)
        {
            servers.Add($"{broker.Host}:{broker.Port}");
        }

        BootstrapServers = string.Join(',', servers);
    }

    /// <summary>Gets the brokers' <c>host:port</c> list.</summary>
    public string BootstrapServers { get; }

    /// <summary>Creates <paramref name="topic"/> (the mock auto-creates topics on a metadata request) and lists its partitions.</summary>
    /// <param name="topic">The topic.</param>
    /// <returns>Its partitions.</returns>
    public List<TopicPartition> CreateTopic(string topic)
    {
        var partitions = new List<TopicPartition>();
        foreach (TopicMetadata metadata in _admin.GetMetadata(topic, MetadataTimeout).Topics)
        {
            if (metadata.Topic == topic && metadata.Error.Code == ErrorCode.NoError)
            {
                foreach (PartitionMetadata partition in metadata.Partitions)
                {
                    partitions.Add(new TopicPartition(topic, partition.PartitionId));
                }
            }
        }

        return partitions.Count > 0 ? partitions : throw new InvalidOperationException($"The mock cluster did not create topic {topic}.");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _admin.Dispose();
        _host.Dispose();
    }
}
