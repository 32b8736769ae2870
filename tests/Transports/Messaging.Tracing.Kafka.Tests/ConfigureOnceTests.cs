using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using Xunit;

namespace Messaging.Tracing.Kafka.Tests;

/// <summary>
/// What the README's Kafka section tells an application to type — register once, with a baggage deny list and an
/// enrichment callback; clients from the container, or built with the tracer by hand — reaches the wire (read with a plain
/// Confluent consumer) and the process span.
/// </summary>
[Collection(KafkaCluster.CollectionName)]
public class ConfigureOnceTests(KafkaCluster cluster)
{
    [Fact]
    public async Task Options_registered_once_apply_to_the_clients_the_container_builds()
    {
        string topic = cluster.UniqueTopic("configure-once");
        int partitions = await cluster.CreateTopicAsync(topic);

        // As in the README: register once, then the traced clients.
        var services = new ServiceCollection();
        services.AddMessagingTracing(o =>
        {
            o.OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email");
            o.EnrichProcessSpan = (span, message) =>
            {
                if (message is ConsumeResult<string, string> record)
                {
                    span.SetTag("app.order_id", record.Message.Key);
                }
            };
        });
        services.AddTracedKafkaProducer<string, string>(cluster.CreateProducerConfig());
        services.AddTracedKafkaConsumer<string, string>(cluster.CreateConsumerConfig());
        await using ServiceProvider provider = services.BuildServiceProvider();

        await AssertConfiguredOnceAsync(
            topic,
            partitions,
            provider.GetRequiredService<TracedProducer<string, string>>(),
            provider.GetRequiredService<TracedConsumer<string, string>>());
    }

    [Fact]
    public async Task Options_of_the_tracer_passed_by_hand_apply_to_the_clients_built_with_it()
    {
        string topic = cluster.UniqueTopic("configure-once");
        int partitions = await cluster.CreateTopicAsync(topic);

        // As in the README, without dependency injection: the tracer is passed to each builder.
        var tracer = new MessagingTracer(new MessagingTracingOptions
        {
            OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email"),
            EnrichProcessSpan = (span, message) =>
            {
                if (message is ConsumeResult<string, string> record)
                {
                    span.SetTag("app.order_id", record.Message.Key);
                }
            },
        });
        using TracedProducer<string, string> producer = new TracedProducerBuilder<string, string>(cluster.CreateProducerConfig(), tracer).Build();
        using TracedConsumer<string, string> consumer = new TracedConsumerBuilder<string, string>(cluster.CreateConsumerConfig(), tracer).Build();

        await AssertConfiguredOnceAsync(topic, partitions, producer, consumer);
    }

    private async Task AssertConfiguredOnceAsync(string topic, int partitions, TracedProducer<string, string> producer, TracedConsumer<string, string> consumer)
    {
        using var collector = new SpanCollector();
        using (collector.StartRootSpan("request"))
        {
            Baggage previous = Baggage.Current;
            Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["user.email"] = "alice@example.com", ["tenant"] = "t1" });
            try
            {
                await producer.ProduceAsync(topic, new Message<string, string> { Key = "order-1", Value = "{}" });
            }
            finally
            {
                Baggage.Current = previous;
            }
        }

        TopicPartitionOffset[] all = [.. Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning))];

        // The raw wire, read by a consumer that knows nothing of tracing.
        using (IConsumer<string, string> plain = new ConsumerBuilder<string, string>(cluster.CreateConsumerConfig()).Build())
        {
            plain.Assign(all);
            ConsumeResult<string, string> raw = KafkaCluster.ConsumeNext(plain, KafkaTestTopic.Timeout, $"a message on {topic}");
            plain.Close();
            IHeader baggage = Assert.Single(raw.Message.Headers, h => h.Key == "baggage");
            Assert.Equal("tenant=t1", Encoding.UTF8.GetString(baggage.GetValueBytes()));
        }

        consumer.Assign(all);
        string? tenant = null;
        ConsumeResult<string, string>? processed = null;
        long deadline = Stopwatch.GetTimestamp() + (long)(KafkaTestTopic.Timeout.TotalSeconds * Stopwatch.Frequency);
        while (processed is not { IsPartitionEOF: false } && Stopwatch.GetTimestamp() < deadline)
        {
            processed = await consumer.ConsumeAndProcessAsync(TimeSpan.FromMilliseconds(250), (_, _) =>
            {
                tenant = Baggage.GetBaggage("tenant");
                return Task.CompletedTask;
            });
        }

        consumer.Close();
        Assert.Equal("order-1", processed?.Message.Key);
        Assert.Equal("t1", tenant);
        IReadOnlyList<Activity> spans = await collector.WaitForAsync(s => s.Any(a => a.Kind == ActivityKind.Consumer), KafkaTestTopic.Timeout);
        Activity process = Assert.Single(spans, s => s.Kind == ActivityKind.Consumer);
        Assert.Equal($"process {topic}", process.DisplayName);
        Assert.Equal("order-1", process.GetTagItem("app.order_id"));
    }
}
