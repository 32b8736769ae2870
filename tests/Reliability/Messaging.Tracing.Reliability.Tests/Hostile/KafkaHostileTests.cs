using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Kafka;
using Messaging.Tracing.Testing;
using Messaging.Tracing.Testing.Hostile;
using OpenTelemetry;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>
/// Hostile headers written raw by the plain Confluent producer, consumed by <see cref="TracedConsumer{TKey, TValue}"/> on
/// the librdkafka mock cluster (or the cluster <c>KAFKA_BOOTSTRAP_SERVERS</c> names).
/// </summary>
public sealed class KafkaHostileTests(KafkaCluster cluster, ITestOutputHelper output) : IClassFixture<KafkaCluster>
{
    /// <summary>Room for a 1 MiB header plus the rest of the message (librdkafka's default limit is 1,000,000 bytes).</summary>
    private const int MessageMaxBytes = 4 << 20;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Cases() => HostileCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_message_is_delivered_once_unchanged_and_committed(string name)
    {
        HostileHeaderCase hostile = HostileHeaderCorpus.Get(name);
        string topic = cluster.UniqueTopic("hostile");
        await cluster.CreateTopicAsync(topic);
        var partition = new TopicPartition(topic, 0);
        byte[] payload = HostilePayload.For(name);
        var headers = new Headers();
        foreach (HostileHeader header in hostile.Headers)
        {
            headers.Add(header.Name, header.GetBytes());
        }

        ProducerConfig producerConfig = cluster.CreateProducerConfig();
        producerConfig.MessageMaxBytes = MessageMaxBytes;
        using (IProducer<Null, byte[]> raw = new ProducerBuilder<Null, byte[]>(producerConfig).Build())
        {
            await raw.ProduceAsync(partition, new Message<Null, byte[]> { Value = (byte[])payload.Clone(), Headers = headers });
        }

        using var collector = new SpanCollector();
        using var diagnostics = new DiagnosticsRecorder();
        ConsumerConfig consumerConfig = cluster.CreateConsumerConfig();
        consumerConfig.EnableAutoCommit = false;
        consumerConfig.FetchMaxBytes = MessageMaxBytes;
        consumerConfig.MaxPartitionFetchBytes = MessageMaxBytes;
        using TracedConsumer<Ignore, byte[]> consumer = new TracedConsumerBuilder<Ignore, byte[]>(consumerConfig, MessagingTracer.Default).Build();
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        int calls = 0;
        byte[]? received = null;
        IReadOnlyDictionary<string, string> baggage = new Dictionary<string, string>();
        Activity? inHandler = null;
        var stopwatch = Stopwatch.StartNew();

        ConsumeResult<Ignore, byte[]>? result = null;
        await Wait.UntilAsync(
            async () =>
            {
                result = await consumer.ConsumeAndProcessAsync(TimeSpan.FromMilliseconds(250), (r, _) =>
                {
                    calls++;
                    received = r.Message.Value;
                    baggage = Baggage.Current.GetBaggage();
                    inHandler = Activity.Current;
                    return Task.CompletedTask;
                });
                return result is not null;
            },
            Timeout,
            $"the message on {topic}");
        consumer.Commit(result!);
        double elapsed = stopwatch.Elapsed.TotalMilliseconds;

        Assert.Equal(1, calls);
        Assert.Equal(payload, received);
        Assert.Null(await consumer.ConsumeAndProcessAsync(TimeSpan.FromMilliseconds(300), (_, _) => throw new InvalidOperationException("a second delivery")));
        Assert.Equal(result!.Offset.Value + 1, consumer.Committed([partition], Timeout).Single().Offset.Value);
        Activity process = Assert.Single(collector.Spans, s => s.Kind == ActivityKind.Consumer);
        Assert.Same(process, inHandler);
        HostileAssert.Context(hostile, process, baggage);
        HostileAssert.Diagnostics(hostile, diagnostics);
        Assert.Null(Activity.Current);

        ExtractionCost cost = ExtractionCost.Measure(() => MessagingTracer.Default.Extract(result.Message.Headers, KafkaHeadersCarrierAdapter.Instance));
        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=kafka case={name} bytes={hostile.Size} outcome={hostile.Outcome} delivered=1 handled={calls} e2e_ms={elapsed:0.0} {cost}"));
        Assert.InRange(cost.Microseconds, 0, ExtractionCost.TimeLimit.TotalMicroseconds);
        Assert.InRange(cost.AllocatedBytes, 0, ExtractionCost.AllocationLimit);
        consumer.Close();
    }
}
