using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Kafka;

namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>A unique Kafka topic; every subscriber reads it from the beginning.</summary>
public sealed class KafkaWire : Wire
{
    private readonly KafkaCluster _cluster;
    private readonly string _topic;
    private readonly int _partitions;

    private KafkaWire(KafkaCluster cluster, string topic, int partitions)
    {
        _cluster = cluster;
        _topic = topic;
        _partitions = partitions;
    }

    public override string Name => $"kafka {_topic}";

    public static async Task<KafkaWire> CreateAsync(KafkaCluster cluster)
    {
        string topic = cluster.UniqueTopic("trust");
        return new KafkaWire(cluster, topic, await cluster.CreateTopicAsync(topic));
    }

    public override async Task SendAsync(MessagingTracer tracer)
    {
        using TracedProducer<string, string> producer = new TracedProducerBuilder<string, string>(_cluster.CreateProducerConfig(), tracer).Build();
        await producer.ProduceAsync(_topic, new Message<string, string> { Key = "order-1", Value = "{}" });
    }

    public override async Task SendRawAsync(IReadOnlyList<KeyValuePair<string, byte[]>> headers)
    {
        using IProducer<string, string> producer = new ProducerBuilder<string, string>(_cluster.CreateProducerConfig()).Build();
        var kafkaHeaders = new Headers();
        foreach (KeyValuePair<string, byte[]> header in headers)
        {
            kafkaHeaders.Add(header.Key, header.Value);
        }

        await producer.ProduceAsync(_topic, new Message<string, string> { Key = "order-1", Value = "{}", Headers = kafkaHeaders });
    }

    public override async Task ProcessOneAsync(MessagingTracer tracer, bool? trusted, int subscriber, Func<IReadOnlyList<KeyValuePair<string, byte[]>>, Task> handler)
    {
        var options = new KafkaTracingOptions { TrustIncomingContext = trusted, ConsumerGroupName = $"subscriber-{subscriber}" };
        using TracedConsumer<string, string> consumer = new TracedConsumerBuilder<string, string>(_cluster.CreateConsumerConfig(), tracer, options).Build();
        consumer.Assign(AllPartitions());
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await consumer.ConsumeAndProcessAsync((result, _) => handler(Raw(result.Message.Headers)), timeout.Token);
        }
        finally
        {
            consumer.Close();
        }
    }

    public override Task<IReadOnlyList<KeyValuePair<string, byte[]>>> ReadRawAsync()
    {
        using IConsumer<string, string> consumer = new ConsumerBuilder<string, string>(_cluster.CreateConsumerConfig()).Build();
        consumer.Assign(AllPartitions());
        ConsumeResult<string, string> result = KafkaCluster.ConsumeNext(consumer, Timeout, $"a message on {_topic}");
        consumer.Close();
        return Task.FromResult(Raw(result.Message.Headers));
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private IEnumerable<TopicPartitionOffset> AllPartitions() =>
        Enumerable.Range(0, _partitions).Select(p => new TopicPartitionOffset(_topic, p, Offset.Beginning));

    private static IReadOnlyList<KeyValuePair<string, byte[]>> Raw(Headers? headers) =>
        headers is null ? [] : [.. headers.Select(h => new KeyValuePair<string, byte[]>(h.Key, h.GetValueBytes()))];
}
