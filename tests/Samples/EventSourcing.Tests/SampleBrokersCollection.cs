using Messaging.Tracing.Brokers;
using Xunit;

namespace EventSourcing.Tests;

/// <summary>The real brokers the sample runs on in these tests: RabbitMQ and Redis from eng/brokers.sh, Kafka from KafkaCluster.</summary>
[CollectionDefinition(Name)]
public sealed class SampleBrokersCollection : ICollectionFixture<RabbitMqBroker>, ICollectionFixture<RedisBroker>, ICollectionFixture<KafkaCluster>
{
    public const string Name = "Sample brokers";
}
