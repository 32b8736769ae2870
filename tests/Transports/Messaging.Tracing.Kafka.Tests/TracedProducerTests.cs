using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using Xunit;

namespace Messaging.Tracing.Kafka.Tests;

[Collection(KafkaCluster.CollectionName)]
public class TracedProducerTests(KafkaCluster cluster)
{
    [Fact]
    public async Task The_send_span_ends_on_delivery_with_the_convention_attributes()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);

        DeliveryResult<string, string> result = await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Key = "order-1", Value = "created" });

        Activity send = Assert.Single(collector.Spans);
        Assert.Equal($"send {topic.Name}", send.DisplayName);
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal("kafka", send.GetTagItem("messaging.system"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.type"));
        Assert.Equal(topic.Name, send.GetTagItem("messaging.destination.name"));
        Assert.Equal("order-1", send.GetTagItem("messaging.kafka.message.key"));
        Assert.Equal(result.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), send.GetTagItem("messaging.destination.partition.id"));
        Assert.Equal(result.Offset.Value, send.GetTagItem("messaging.kafka.offset"));
        Assert.NotNull(send.GetTagItem("messaging.client.id"));
        Assert.Equal(ActivityStatusCode.Unset, send.Status);
        Assert.Equal(TraceParentCodec.Format(send.Context), Encoding.ASCII.GetString(result.Message.Headers.GetLastBytes("traceparent")));
    }

    [Fact]
    public async Task Resending_one_message_object_never_duplicates_trace_headers_nor_mutates_it()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        byte[] application = [0, 1, 2, 254, 255];
        var message = new Message<string, string> { Key = "same-partition", Value = "v", Headers = new Headers { { "app", application } } };
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });

        await topic.Producer.ProduceAsync(topic.Name, message);
        await topic.Producer.ProduceAsync(topic.Name, message);

        Assert.Single(message.Headers);
        Assert.Same(application, message.Headers.GetLastBytes("app"));
        for (int i = 0; i < 2; i++)
        {
            Headers received = topic.ConsumeNext().Message.Headers;
            Assert.Single(received, h => h.Key == "traceparent");
            Assert.Single(received, h => h.Key == "baggage");
            Assert.Equal(application, received.GetLastBytes("app"));
        }
    }

    [Fact]
    public async Task An_unsampled_caller_sends_an_unsampled_context()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        using Activity upstream = new Activity("upstream").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None).Start();

        DeliveryResult<string, string> result = await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "v" });

        string traceParent = Encoding.ASCII.GetString(result.Message.Headers.GetLastBytes("traceparent"));
        Assert.StartsWith($"00-{upstream.TraceId.ToHexString()}-", traceParent, StringComparison.Ordinal);
        Assert.EndsWith("-00", traceParent, StringComparison.Ordinal);
        Assert.Empty(collector.Spans);
    }

    [Fact]
    public async Task A_failed_delivery_is_recorded_and_rethrown()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);

        ProduceException<string, string> thrown = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => topic.Producer.ProduceAsync(new TopicPartition(topic.Name, topic.Partitions + 40), new Message<string, string> { Value = "v" }));

        Activity send = Assert.Single(collector.Spans);
        Assert.Equal(ActivityStatusCode.Error, send.Status);
        Assert.Equal(thrown.Error.Code.ToString(), send.GetTagItem("error.type"));
        Assert.Equal("exception", Assert.Single(send.Events).Name);
    }

    [Fact]
    public async Task Produce_with_a_delivery_handler_ends_the_span_on_delivery_and_keeps_the_callers_context()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        var delivered = new TaskCompletionSource<DeliveryReport<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var failed = new TaskCompletionSource<DeliveryReport<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using Activity request = collector.StartRootSpan("request");

        topic.Producer.Produce(topic.Name, new Message<string, string> { Value = "ok" }, report => delivered.TrySetResult(report));
        topic.Producer.Produce(new TopicPartition(topic.Name, topic.Partitions + 40), new Message<string, string> { Value = "lost" }, report => failed.TrySetResult(report));

        Assert.Same(request, Activity.Current);
        DeliveryReport<string, string> report = await delivered.Task.WaitAsync(KafkaTestTopic.Timeout);
        DeliveryReport<string, string> failure = await failed.Task.WaitAsync(KafkaTestTopic.Timeout);
        Assert.False(report.Error.IsError);
        Assert.True(failure.Error.IsError);
        request.Stop();
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            ├── send {topic.Name} (producer)
            └── send {topic.Name} (producer) ✗ {failure.Error.Code}
            """, spanCount: 3, KafkaTestTopic.Timeout);
        Activity send = collector.Spans.Single(s => s.Kind == ActivityKind.Producer && s.Status == ActivityStatusCode.Unset);
        Assert.Equal(report.Offset.Value, send.GetTagItem("messaging.kafka.offset"));
    }

    [Fact]
    public async Task A_filtered_topic_passes_through_without_span_or_headers()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster, producerOptions: new KafkaTracingOptions { TopicFilter = _ => false });
        using Activity request = collector.StartRootSpan("request");

        await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "v" });

        Assert.Empty(topic.ConsumeNext().Message.Headers);
        Assert.Empty(collector.Spans);
    }

    [Fact]
    public async Task A_topic_filter_that_throws_neither_fails_the_send_nor_the_consume_and_both_stay_traced()
    {
        using var collector = new SpanCollector();
        var throwing = new KafkaTracingOptions { TopicFilter = _ => throw new InvalidOperationException("filter fault") };
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster, consumerOptions: throwing, producerOptions: throwing);

        await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Key = "k", Value = "v" });
        string? handled = null;
        await topic.ProcessNextAsync((result, _) =>
        {
            handled = result.Message.Value;
            return Task.CompletedTask;
        });

        Assert.Equal("v", handled);
        await TraceAssert.ShapeAsync(collector, $"""
            send {topic.Name} (producer)
            └┄┄ process {topic.Name} (consumer)
            """, spanCount: 2, KafkaTestTopic.Timeout);
    }

    [Fact]
    public async Task A_tombstone_is_marked_and_non_string_keys_are_not_recorded()
    {
        using var collector = new SpanCollector();
        string name = cluster.UniqueTopic("tombstone");
        await cluster.CreateTopicAsync(name);
        using TracedProducer<byte[], string?> producer = new TracedProducerBuilder<byte[], string?>(cluster.CreateProducerConfig(), MessagingTracer.Default).Build();

        await producer.ProduceAsync(name, new Message<byte[], string?> { Key = [1, 2], Value = null });

        Activity send = Assert.Single(collector.Spans);
        Assert.Equal(true, send.GetTagItem("messaging.kafka.message.tombstone"));
        Assert.Null(send.GetTagItem("messaging.kafka.message.key"));
    }
}
