using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Kafka;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>
/// Kafka through Confluent.Kafka on librdkafka's mock cluster (loopback, in process): produce with delivery reports to a
/// fresh topic, consume on a dedicated thread from assigned partitions (no group rebalance). Off: the plain clients;
/// traced: <see cref="TracedProducer{TKey, TValue}"/> and <see cref="TracedConsumer{TKey, TValue}.ConsumeAndProcessAsync(TimeSpan, Func{ConsumeResult{TKey, TValue}, CancellationToken, Task}, CancellationToken)"/>.
/// </summary>
public sealed class KafkaScenario : IThroughputScenario
{
    private const int PayloadSize = 256;
    private const string WarmUpKey = "warm-up";

    // A run produces faster than the mock cluster takes: room for all of it in librdkafka's queue (100k by default).
    private const int MaxQueuedMessages = 1_000_000;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(60);

    private readonly byte[] _payload = new byte[PayloadSize];
    private KafkaMockCluster? _cluster;
    private int _topics;

    /// <summary>Initializes a new instance of the <see cref="KafkaScenario"/> class.</summary>
    /// <param name="messages">Messages per measured run.</param>
    public KafkaScenario(int messages) => Messages = messages;

    /// <inheritdoc/>
    public string Name => "Kafka (Confluent.Kafka 2.15, librdkafka mock cluster)";

    /// <inheritdoc/>
    public int Messages { get; }

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        _cluster = new KafkaMockCluster();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<RunResult> RunAsync(ThroughputMode mode, TracingSession session, int messages, CancellationToken cancellationToken)
    {
        KafkaMockCluster cluster = _cluster ?? throw new InvalidOperationException("Not initialized.");
        bool traced = mode != ThroughputMode.Off;
        string topic = $"throughput-{Interlocked.Increment(ref _topics)}-{Guid.NewGuid():N}";
        List<TopicPartition> partitions = cluster.CreateTopic(topic);

        var producerConfig = new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            ClientId = "throughput",
            Acks = Acks.Leader,
            LingerMs = 5,
            QueueBufferingMaxMessages = MaxQueuedMessages,
        };
        var consumerConfig = new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            ClientId = "throughput",
            GroupId = topic,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 10,
        };
        using IProducer<string, byte[]> producer = traced
            ? new TracedProducerBuilder<string, byte[]>(producerConfig, MessagingTracer.Default).Build()
            : new ProducerBuilder<string, byte[]>(producerConfig).Build();
        using IConsumer<string, byte[]> consumer = traced
            ? new TracedConsumerBuilder<string, byte[]>(consumerConfig, MessagingTracer.Default).Build()
            : new ConsumerBuilder<string, byte[]>(consumerConfig).Build();
        var offsets = new List<TopicPartitionOffset>();
        foreach (TopicPartition partition in partitions)
        {
            offsets.Add(new TopicPartitionOffset(partition, Offset.Beginning));
        }

        consumer.Assign(offsets);

        var meter = new RunMeter(messages);
        var warmedUp = new TaskCompletionSourceSlim();
        Task Handle(ConsumeResult<string, byte[]> result, CancellationToken token)
        {
            if (result.Message.Key == WarmUpKey)
            {
                warmedUp.SetResult();
            }
            else
            {
                meter.Handled();
            }

            return Task.CompletedTask;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task consuming = Task.Factory.StartNew(
            () => Consume(consumer, Handle, stop.Token),
            stop.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        // The consuming loop ends when `stop` is cancelled: cancelled on every way out, a failed run included.
        RunResult result;
        try
        {
            var headers = new Headers { { "content-type", Encoding.ASCII.GetBytes("application/octet-stream") } };
            Action<DeliveryReport<string, byte[]>> onDelivered = static report =>
            {
                if (report.Error.IsError)
                {
                    throw new InvalidOperationException($"Delivery failed: {report.Error.Reason}");
                }
            };

            // One message first, so metadata lookups and the first fetch are not part of the measurement.
            producer.Produce(topic, new Message<string, byte[]> { Key = WarmUpKey, Value = _payload, Headers = headers }, onDelivered);
            producer.Flush(FlushTimeout);
            await warmedUp.Task.WaitAsync(cancellationToken);

            var message = new Message<string, byte[]> { Key = "order", Value = _payload, Headers = headers };
            meter.Start(session);
            for (int i = 0; i < messages; i++)
            {
                producer.Produce(topic, message, onDelivered);
            }

            producer.Flush(FlushTimeout);
            await meter.AllHandled.WaitAsync(cancellationToken);
            result = meter.Stop(session);
        }
        finally
        {
            await stop.CancelAsync();
            await consuming;
        }

        consumer.Close();
        return result;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _cluster?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Consume(IConsumer<string, byte[]> consumer, Func<ConsumeResult<string, byte[]>, CancellationToken, Task> handle, CancellationToken stop)
    {
        if (consumer is TracedConsumer<string, byte[]> traced)
        {
            while (!stop.IsCancellationRequested)
            {
                traced.ConsumeAndProcessAsync(Poll, handle, stop).GetAwaiter().GetResult();
            }

            return;
        }

        while (!stop.IsCancellationRequested)
        {
            if (consumer.Consume(Poll) is { IsPartitionEOF: false } result)
            {
                handle(result, stop).GetAwaiter().GetResult();
            }
        }
    }
}
