using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

/// <summary>One <see cref="KafkaCluster"/> for every test class of this assembly marked with its collection.</summary>
[CollectionDefinition(KafkaCluster.CollectionName)]
public sealed class KafkaCollection : ICollectionFixture<KafkaCluster>;
