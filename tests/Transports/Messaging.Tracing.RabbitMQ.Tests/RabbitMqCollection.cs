using Messaging.Tracing.Brokers;
using Xunit;

namespace Messaging.Tracing.RabbitMQ.Tests;

/// <summary>
/// One RabbitMQ connection for the whole assembly. Every test that produces spans is in this collection, so they run one
/// at a time: a test that listens to RabbitMQ.Client's own activity sources switches publishing to bridge mode for the
/// whole process while it runs.
/// </summary>
[CollectionDefinition(RabbitMqBroker.CollectionName)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqBroker>;
