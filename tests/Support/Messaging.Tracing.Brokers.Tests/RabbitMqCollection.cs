using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

/// <summary>One <see cref="RabbitMqBroker"/> for every test class of this assembly marked with its collection.</summary>
[CollectionDefinition(RabbitMqBroker.CollectionName)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqBroker>;
