using Messaging.Tracing.Brokers;
using Xunit;

namespace Messaging.Tracing.RabbitMQ.Tests;

/// <summary>
/// Tests that listen to RabbitMQ.Client's own activity sources or set its static, process-wide tracing options
/// (<see cref="UsePublisherAsParentSetting"/>): they run alone, after every other test, never beside one.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RabbitMqClientTracingCollection : ICollectionFixture<RabbitMqBroker>
{
    public const string Name = "RabbitMQ.Client tracing options";
}
