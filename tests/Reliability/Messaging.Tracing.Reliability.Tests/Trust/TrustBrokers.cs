using Messaging.Tracing.Brokers;
using Xunit;

namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>The real brokers the trust tests cross: librdkafka's mock cluster (or KAFKA_BOOTSTRAP_SERVERS), RabbitMQ, Redis.</summary>
[CollectionDefinition(Name)]
public sealed class TrustBrokers : ICollectionFixture<KafkaCluster>, ICollectionFixture<RabbitMqBroker>, ICollectionFixture<RedisBroker>
{
    public const string Name = "Trust brokers";
}
