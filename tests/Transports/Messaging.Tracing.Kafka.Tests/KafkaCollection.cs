using Messaging.Tracing.Brokers;
using Xunit;

namespace Messaging.Tracing.Kafka.Tests;

/// <summary>One Kafka cluster (the mock cluster, or <c>KAFKA_BOOTSTRAP_SERVERS</c>) for the whole assembly.</summary>
[CollectionDefinition(KafkaCluster.CollectionName)]
public sealed class KafkaCollection : ICollectionFixture<KafkaCluster>;
