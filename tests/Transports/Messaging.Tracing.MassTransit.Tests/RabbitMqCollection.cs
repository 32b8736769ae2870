using Messaging.Tracing.Brokers;
using Xunit;

namespace Messaging.Tracing.MassTransit.Tests;

[CollectionDefinition(RabbitMqBroker.CollectionName)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqBroker>;
