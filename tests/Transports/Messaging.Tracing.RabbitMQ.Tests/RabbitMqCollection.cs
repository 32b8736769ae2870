using Messaging.Tracing.Brokers;
using Xunit;

namespace Messaging.Tracing.RabbitMQ.Tests;

/// <summary>
/// A RabbitMQ connection for the tests that produce spans, so they run one at a time. Tests that listen to RabbitMQ.Client's
/// own activity sources (which switches publishing to bridge mode for the whole process) or set its static tracing options
/// are in <see cref="RabbitMqClientTracingCollection"/>, which runs alone.
/// </summary>
[CollectionDefinition(RabbitMqBroker.CollectionName)]
public sealed class RabbitMqCollection : ICollectionFixture<RabbitMqBroker>;
