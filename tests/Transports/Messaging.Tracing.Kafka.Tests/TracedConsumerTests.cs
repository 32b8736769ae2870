using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using Xunit;

namespace Messaging.Tracing.Kafka.Tests;

[Collection(KafkaCluster.CollectionName)]
public class TracedConsumerTests(KafkaCluster cluster)
{
    private const string ValidTraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public async Task A_consumer_follows_from_the_producer_in_the_same_trace()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster, new KafkaTracingOptions { ConsumerGroupName = "billing" });
        await ProduceInRequestAsync(collector, topic, "order-1");
        Activity? inHandler = null;

        ConsumeResult<string, string> consumed = await topic.ProcessNextAsync((_, _) =>
        {
            inHandler = Activity.Current;
            return Task.CompletedTask;
        });

        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── send {topic.Name} (producer)
                └┄┄ process {topic.Name} (consumer)
            """, spanCount: 3, KafkaTestTopic.Timeout);
        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Same(process, inHandler);
        Assert.True(process.IsStopped);
        Assert.Null(Activity.Current);
        Assert.Equal("billing", process.GetTagItem("messaging.consumer.group.name"));
        Assert.Equal(consumed.Offset.Value, process.GetTagItem("messaging.kafka.offset"));
        Assert.Equal("order-1", process.GetTagItem("messaging.kafka.message.key"));
    }

    [Theory]
    [InlineData(MessageRelationship.ChildOf, "└── process {0} (consumer)")]
    [InlineData(MessageRelationship.NewTrace, "└┄┄ process {0} (consumer) [new trace]")]
    public async Task The_consumers_relationship_decides_the_shape(MessageRelationship relationship, string processLine)
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster, new KafkaTracingOptions { Relationship = relationship });
        await ProduceInRequestAsync(collector, topic, "k");

        await topic.ProcessNextAsync((_, _) => Task.CompletedTask);

        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── send {topic.Name} (producer)
                {string.Format(System.Globalization.CultureInfo.InvariantCulture, processLine, topic.Name)}
            """, spanCount: 3, KafkaTestTopic.Timeout);
    }

    [Fact]
    public async Task A_single_message_can_override_the_relationship()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        await ProduceInRequestAsync(collector, topic, "k");
        ConsumeResult<string, string> consumed = topic.ConsumeNext();

        await topic.Consumer.ProcessAsync(consumed, (_, _) => Task.CompletedTask, MessageRelationship.ChildOf);

        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── send {topic.Name} (producer)
                └── process {topic.Name} (consumer)
            """, spanCount: 3, KafkaTestTopic.Timeout);
    }

    [Fact]
    public async Task Baggage_travels_with_the_message_and_the_callers_is_restored()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme", ["user"] = "ada lovelace" });
        await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "v" });
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["consumer"] = "loop" });
        IReadOnlyDictionary<string, string>? inHandler = null;

        await topic.ProcessNextAsync((_, _) =>
        {
            inHandler = Baggage.Current.GetBaggage();
            return Task.CompletedTask;
        });

        Assert.Equal(new Dictionary<string, string> { ["tenant"] = "acme", ["user"] = "ada lovelace" }, inHandler);
        Assert.Equal("loop", Baggage.Current.GetBaggage("consumer"));
    }

    [Fact]
    public async Task An_unsampled_producer_stays_unsampled_through_the_consumer()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        using (new Activity("upstream").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None).Start())
        {
            await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "v" });
        }

        Activity? inHandler = null;
        ConsumeResult<string, string> consumed = await topic.ProcessNextAsync((_, _) =>
        {
            inHandler = Activity.Current;
            return Task.CompletedTask;
        });

        Assert.NotNull(inHandler);
        Assert.False(inHandler!.Recorded);
        Assert.EndsWith("-00", Encoding.ASCII.GetString(consumed.Message.Headers.GetLastBytes("traceparent")), StringComparison.Ordinal);
        Assert.Empty(collector.Spans);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [InlineData(ValidTraceParent, ValidTraceParent)]
    [InlineData(ValidTraceParent, "00-11111111111111111111111111111111-2222222222222222-01")]
    public async Task Garbage_or_repeated_traceparent_starts_a_new_trace_and_the_message_is_processed(params string[] traceParents)
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        var headers = new Headers();
        foreach (string value in traceParents)
        {
            headers.Add("traceparent", Encoding.ASCII.GetBytes(value));
        }

        using (IProducer<string, string> plain = new ProducerBuilder<string, string>(cluster.CreateProducerConfig()).Build())
        {
            await plain.ProduceAsync(topic.Name, new Message<string, string> { Value = "payload", Headers = headers });
        }

        string? processed = null;
        await topic.ProcessNextAsync((result, _) =>
        {
            processed = result.Message.Value;
            return Task.CompletedTask;
        });

        Assert.Equal("payload", processed);
        Activity process = Assert.Single(await collector.WaitForSpansAsync(1, KafkaTestTopic.Timeout));
        Assert.Equal(default, process.ParentSpanId);
        Assert.Empty(process.Links);
    }

    [Fact]
    public async Task A_handler_exception_is_recorded_and_rethrown_and_the_context_restored()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        await ProduceInRequestAsync(collector, topic, "k");
        using Activity loop = collector.StartRootSpan("consumer loop");

        InvalidOperationException thrown = await Assert.ThrowsAsync<InvalidOperationException>(
            () => topic.ProcessNextAsync((_, _) => throw new InvalidOperationException("handler failed")));

        Assert.Equal("handler failed", thrown.Message);
        Assert.Same(loop, Activity.Current);
        loop.Stop();
        await TraceAssert.ShapeAsync(collector, $"""
            consumer loop (internal)
            └── process {topic.Name} (consumer) ✗ System.InvalidOperationException
            request (internal)
            └── send {topic.Name} (producer)
            """, spanCount: 4, KafkaTestTopic.Timeout);
        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Single(process.Links);
    }

    [Fact]
    public async Task A_batch_links_every_producer_and_starts_a_new_trace()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        using (collector.StartRootSpan("request"))
        {
            for (int i = 0; i < 3; i++)
            {
                await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Key = $"k{i}", Value = $"v{i}" });
            }
        }

        var processed = new List<string>();
        Activity? inHandler = null;
        while (processed.Count < 3)
        {
            IReadOnlyList<ConsumeResult<string, string>> batch = await topic.Consumer.ConsumeBatchAndProcessAsync(3 - processed.Count, KafkaTestTopic.Timeout, (messages, _) =>
            {
                inHandler = Activity.Current;
                processed.AddRange(messages.Select(m => m.Message.Value));
                return Task.CompletedTask;
            });
            Assert.NotEmpty(batch);
        }

        Assert.Equal(["v0", "v1", "v2"], processed.Order());
        IReadOnlyList<Activity> spans = await collector.WaitForAsync(s => s.Count(a => a.Kind == ActivityKind.Consumer) > 0 && s.Count >= 4, KafkaTestTopic.Timeout);
        Activity[] batches = [.. spans.Where(s => s.Kind == ActivityKind.Consumer)];
        Assert.Contains(inHandler, batches);
        Assert.All(batches, b => Assert.Equal(default, b.ParentSpanId));
        Assert.Equal(
            spans.Where(s => s.Kind == ActivityKind.Producer).Select(s => s.SpanId.ToHexString()).Order(),
            batches.SelectMany(b => b.Links).Select(l => l.Context.SpanId.ToHexString()).Order());
        Assert.Equal(3, batches.Sum(b => (int)b.GetTagItem("messaging.batch.message_count")!));
        if (batches.Length == 1)
        {
            TraceAssert.Shape($"""
                request (internal)
                ├── send {topic.Name} (producer)
                ├── send {topic.Name} (producer)
                └── send {topic.Name} (producer)
                    └┄┄ process {topic.Name} (consumer) [new trace]
                """, spans);
        }
    }

    [Fact]
    public async Task Partition_EOF_is_not_a_message()
    {
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster, configureConsumer: c => c.EnablePartitionEof = true);
        int calls = 0;

        ConsumeResult<string, string>? result = await topic.Consumer.ConsumeAndProcessAsync(KafkaTestTopic.Timeout, (_, _) =>
        {
            calls++;
            return Task.CompletedTask;
        });

        Assert.NotNull(result);
        Assert.True(result!.IsPartitionEOF);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task A_consume_exception_is_recorded_on_a_receive_span_and_rethrown()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster, buildConsumer: b => b.SetValueDeserializer(new FailingDeserializer()));
        await ProduceInRequestAsync(collector, topic, "k");
        using var cancel = new CancellationTokenSource(KafkaTestTopic.Timeout);

        ConsumeException thrown = await Assert.ThrowsAsync<ConsumeException>(
            () => topic.Consumer.ConsumeAndProcessAsync((_, _) => Task.CompletedTask, cancel.Token));

        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── send {topic.Name} (producer)
                └┄┄ receive {topic.Name} (client) ✗ {thrown.Error.Code}
            """, spanCount: 3, KafkaTestTopic.Timeout);
    }

    [Fact]
    public async Task Processing_never_commits_or_stores_offsets()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster, configureConsumer: c =>
        {
            c.EnableAutoCommit = false;
            c.EnableAutoOffsetStore = false;
        });
        await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "v" });

        await topic.ProcessNextAsync((_, _) => Task.CompletedTask);

        KafkaException nothingStored = Assert.Throws<KafkaException>(() => topic.Consumer.Commit());
        Assert.Equal(ErrorCode.Local_NoOffset, nothingStored.Error.Code);
        List<TopicPartitionOffset> committed = topic.Consumer.Committed(topic.Consumer.Assignment, KafkaTestTopic.Timeout);
        Assert.All(committed, c => Assert.Equal(Offset.Unset, c.Offset));
    }

    [Fact]
    public async Task Plain_consume_is_untouched_and_the_context_can_be_extracted()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        DeliveryResult<string, string> sent = await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "v" });

        ConsumeResult<string, string> consumed = topic.ConsumeNext();

        Activity send = Assert.Single(collector.Spans);
        Assert.Equal(send.SpanId, consumed.ExtractTraceContext(MessagingTracer.Default).ActivityContext.SpanId);
        Assert.Equal(sent.Message.Headers.Select(h => (h.Key, h.GetValueBytes())), consumed.Message.Headers.Select(h => (h.Key, h.GetValueBytes())));
    }

    [Fact]
    public async Task The_blocking_consume_and_process_runs_the_handler_in_its_span()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        await ProduceInRequestAsync(collector, topic, "k");
        using var cancel = new CancellationTokenSource(KafkaTestTopic.Timeout);
        string? spanName = null;

        await topic.Consumer.ConsumeAndProcessAsync(
            (_, _) =>
            {
                spanName = Activity.Current?.DisplayName;
                return Task.CompletedTask;
            },
            cancel.Token);

        Assert.Equal($"process {topic.Name}", spanName);
    }

    private static async Task ProduceInRequestAsync(SpanCollector collector, KafkaTestTopic topic, string key)
    {
        using (collector.StartRootSpan("request"))
        {
            await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Key = key, Value = "v" });
        }
    }

    private sealed class FailingDeserializer : IDeserializer<string>
    {
        public string Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => throw new FormatException("not a string");
    }
}
