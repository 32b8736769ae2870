using System;
using System.Collections.Generic;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Messaging.Tracing.Kafka.Tests.DependencyInjection;

/// <summary>The registrations themselves: no broker is reached (librdkafka connects lazily).</summary>
public class MessagingTracingKafkaServiceCollectionExtensionsTests
{
    private static readonly ProducerConfig ProducerConfig = new() { BootstrapServers = "localhost:1", ClientId = "orders-api" };
    private static readonly ConsumerConfig ConsumerConfig = new() { BootstrapServers = "localhost:1", GroupId = "billing" };

    [Fact]
    public void A_client_registered_without_AddMessagingTracing_fails_at_resolution_and_says_what_to_add()
    {
        var services = new ServiceCollection();
        services.AddTracedKafkaProducer<string, string>(ProducerConfig);
        services.AddTracedKafkaConsumer<string, string>(ConsumerConfig);
        using ServiceProvider provider = services.BuildServiceProvider();

        InvalidOperationException producer = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IProducer<string, string>>());
        InvalidOperationException consumer = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<TracedConsumer<string, string>>());

        Assert.Contains("TracedProducer<String, String>", producer.Message, StringComparison.Ordinal);
        Assert.Contains("services.AddMessagingTracing(", producer.Message, StringComparison.Ordinal);
        Assert.Contains("TracedConsumer<String, String>", consumer.Message, StringComparison.Ordinal);
        Assert.Contains("services.AddMessagingTracing(", consumer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_clients_are_singletons_built_with_the_registered_tracer_and_the_builder_configuration()
    {
        var services = new ServiceCollection();
        services.AddMessagingTracing();
        IServiceProvider? seen = null;
        services.AddTracedKafkaProducer<string, string>(ProducerConfig, (provider, builder) =>
        {
            seen = provider;
            builder.SetValueSerializer(Serializers.Utf8);
        });
        services.AddTracedKafkaConsumer<string, string>(_ => ConsumerConfig, (_, builder) => builder.SetValueDeserializer(Deserializers.Utf8));

        TracedProducer<string, string> producer;
        using (ServiceProvider provider = services.BuildServiceProvider())
        {
            MessagingTracer tracer = provider.GetRequiredService<MessagingTracer>();
            producer = provider.GetRequiredService<TracedProducer<string, string>>();
            TracedConsumer<string, string> consumer = provider.GetRequiredService<TracedConsumer<string, string>>();

            Assert.Same(producer, provider.GetRequiredService<IProducer<string, string>>());
            Assert.Same(consumer, provider.GetRequiredService<IConsumer<string, string>>());
            Assert.Same(tracer, seen?.GetRequiredService<MessagingTracer>());

            // Built with the registered tracer: wrapping again with it hands the same client back; another tracer would trace
            // the messages twice and is refused.
            Assert.Same(producer, producer.WithTracing(tracer));
            Assert.Same(consumer, ((IConsumer<string, string>)consumer).WithTracing(tracer));
            Assert.Throws<ArgumentException>(() => producer.WithTracing(MessagingTracer.Default));
            Assert.Throws<ArgumentException>(() => consumer.WithTracing(MessagingTracer.Default));
        }

        // The container disposed each client once per registration; the second time is a no-op.
        producer.Dispose();
    }

    [Fact]
    public void Arguments_are_validated()
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentNullException>(() => services.AddTracedKafkaProducer<string, string>((ProducerConfig)null!));
        Assert.Throws<ArgumentNullException>(() => services.AddTracedKafkaConsumer<string, string>((Func<IServiceProvider, IEnumerable<KeyValuePair<string, string>>>)null!));
        Assert.Throws<ArgumentNullException>(() => new TracedProducerBuilder<string, string>(ProducerConfig, null!));
        Assert.Throws<ArgumentNullException>(() => new TracedConsumerBuilder<string, string>(ConsumerConfig, null!));
    }
}
