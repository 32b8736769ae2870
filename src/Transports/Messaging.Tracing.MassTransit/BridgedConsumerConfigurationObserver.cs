using MassTransit;

namespace Messaging.Tracing.MassTransit;

/// <summary>
/// Adds a <see cref="BridgedProcessFilter{TConsumer, TMessage}"/> to every consumer's pipe of every message type, where
/// MassTransit's consumer span is current — as MassTransit's own bus-level filters (retry, timeout) reach each consumer.
/// </summary>
internal sealed class BridgedConsumerConfigurationObserver(MessagingTracer tracer) : IConsumerConfigurationObserver
{
    public void ConsumerConfigured<TConsumer>(IConsumerConfigurator<TConsumer> configurator)
        where TConsumer : class
    {
    }

    public void ConsumerMessageConfigured<TConsumer, TMessage>(IConsumerMessageConfigurator<TConsumer, TMessage> configurator)
        where TConsumer : class
        where TMessage : class
        => configurator.AddPipeSpecification(new BridgedProcessSpecification<TConsumer, TMessage>(tracer));
}
