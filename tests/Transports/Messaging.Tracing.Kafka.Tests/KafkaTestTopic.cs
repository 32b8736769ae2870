using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Brokers;

namespace Messaging.Tracing.Kafka.Tests;

/// <summary>A unique topic with a traced producer and a traced consumer assigned to all its partitions from the start.</summary>
public sealed class KafkaTestTopic : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private KafkaTestTopic(string name, int partitions, TracedProducer<string, string> producer, TracedConsumer<string, string> consumer)
    {
        Name = name;
        Partitions = partitions;
        Producer = producer;
        Consumer = consumer;
    }

    public string Name { get; }

    public int Partitions { get; }

    public TracedProducer<string, string> Producer { get; }

    public TracedConsumer<string, string> Consumer { get; }

    public static async Task<KafkaTestTopic> CreateAsync(
        KafkaCluster cluster,
        KafkaTracingOptions? consumerOptions = null,
        KafkaTracingOptions? producerOptions = null,
        Action<ConsumerConfig>? configureConsumer = null,
        Func<ConsumerBuilder<string, string>, ConsumerBuilder<string, string>>? buildConsumer = null)
    {
        string name = cluster.UniqueTopic("tracing");
        int partitions = await cluster.CreateTopicAsync(name);
        ConsumerConfig consumerConfig = cluster.CreateConsumerConfig();
        configureConsumer?.Invoke(consumerConfig);
        var consumerBuilder = new TracedConsumerBuilder<string, string>(consumerConfig, MessagingTracer.Default, consumerOptions);
        buildConsumer?.Invoke(consumerBuilder);
        TracedConsumer<string, string> consumer = consumerBuilder.Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(name, p, Offset.Beginning)));
        TracedProducer<string, string> producer = new TracedProducerBuilder<string, string>(cluster.CreateProducerConfig(), MessagingTracer.Default, producerOptions).Build();
        return new KafkaTestTopic(name, partitions, producer, consumer);
    }

    /// <summary>Processes the next message, waiting for it at most <see cref="Timeout"/>.</summary>
    public async Task<ConsumeResult<string, string>> ProcessNextAsync(Func<ConsumeResult<string, string>, CancellationToken, Task> handler)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(Timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            ConsumeResult<string, string>? result = await Consumer.ConsumeAndProcessAsync(TimeSpan.FromMilliseconds(250), handler);
            if (result is { IsPartitionEOF: false })
            {
                return result;
            }
        }

        throw new TimeoutException($"No message arrived on {Name} within {Timeout}.");
    }

    /// <summary>Consumes the next message without processing it.</summary>
    public ConsumeResult<string, string> ConsumeNext() => KafkaCluster.ConsumeNext(Consumer, Timeout, $"a message on {Name}");

    public void Dispose()
    {
        Producer.Dispose();
        Consumer.Close();
        Consumer.Dispose();
    }
}
