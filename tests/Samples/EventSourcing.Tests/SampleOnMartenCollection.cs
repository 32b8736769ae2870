using Messaging.Tracing.Brokers;
using Xunit;

namespace EventSourcing.Tests;

/// <summary>
/// The infrastructure the sample runs on in <see cref="SampleOnMartenTests"/>: PostgreSQL (Marten) and RabbitMQ from
/// eng/brokers.sh, Kafka from KafkaCluster. A missing PostgreSQL fails these tests, with how to start it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SampleOnMartenCollection : ICollectionFixture<PostgresDatabase>, ICollectionFixture<RabbitMqBroker>, ICollectionFixture<KafkaCluster>
{
    public const string Name = "Sample on Marten";
}
