using System;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Kafka;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>
/// Kafka soak on librdkafka's mock cluster (or <c>KAFKA_BOOTSTRAP_SERVERS</c>): a <see cref="TracedProducer{TKey, TValue}"/>
/// with many sends in flight, one <see cref="TracedConsumer{TKey, TValue}"/> whose consume loop hands each partition's
/// messages to its own worker, so the partitions are processed concurrently through <c>ProcessAsync</c>, in order within
/// a partition, as Kafka applications do.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class KafkaSoakTests(KafkaCluster cluster, ITestOutputHelper output) : IClassFixture<KafkaCluster>
{
    private const int ProducerConcurrency = 64;

    [Fact]
    public async Task Partitions_processed_concurrently_keep_each_message_its_own_context_and_lose_nothing()
    {
        string topic = cluster.UniqueTopic("soak");
        int partitions = await cluster.CreateTopicAsync(topic);
        using var run = new SoakRun("kafka", SoakSettings.Messages);
        using TracedProducer<Null, string> producer = new TracedProducerBuilder<Null, string>(cluster.CreateProducerConfig(), MessagingTracer.Default).Build();
        using TracedConsumer<Null, string> consumer = new TracedConsumerBuilder<Null, string>(cluster.CreateConsumerConfig(), MessagingTracer.Default).Build();
        consumer.Subscribe(topic);

        using var stopping = new CancellationTokenSource();
        Task consuming = ConsumeAsync(consumer, partitions, run, stopping.Token);
        SoakReport report;
        try
        {
            report = await run.RunAsync((_, payload) => producer.ProduceAsync(topic, new Message<Null, string> { Value = payload }), ProducerConcurrency);
        }
        finally
        {
            await stopping.CancelAsync();
            await consuming;
        }

        output.WriteLine(report.ToReportLine());
        report.AssertHealthy();
    }

    /// <summary>The consume loop (a dedicated thread: Consume blocks) and one worker per partition.</summary>
    private static Task ConsumeAsync(TracedConsumer<Null, string> consumer, int partitions, SoakRun run, CancellationToken stopping)
    {
        var lanes = new Channel<ConsumeResult<Null, string>>[partitions];
        var workers = new Task[partitions + 1];
        for (int p = 0; p < partitions; p++)
        {
            lanes[p] = Channel.CreateUnbounded<ConsumeResult<Null, string>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            workers[p] = ProcessLaneAsync(consumer, lanes[p].Reader, run);
        }

        workers[partitions] = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    while (true)
                    {
                        ConsumeResult<Null, string> result = consumer.Consume(stopping);
                        run.CheckAmbientClean();
                        lanes[result.Partition.Value % partitions].Writer.TryWrite(result);
                    }
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // How the loop ends.
                }
                finally
                {
                    foreach (Channel<ConsumeResult<Null, string>> lane in lanes)
                    {
                        lane.Writer.TryComplete();
                    }
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        return Task.WhenAll(workers);
    }

    private static async Task ProcessLaneAsync(TracedConsumer<Null, string> consumer, ChannelReader<ConsumeResult<Null, string>> lane, SoakRun run)
    {
        await foreach (ConsumeResult<Null, string> result in lane.ReadAllAsync())
        {
            run.CheckAmbientClean();
            await consumer.ProcessAsync(result, (message, _) => run.HandleAsync(message.Message.Value));
            run.CheckAmbientClean();
        }
    }
}
