using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Kafka;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>Kafka: <see cref="TracedProducer{TKey, TValue}"/> and <see cref="TracedConsumer{TKey, TValue}"/> on the cluster (mock or real).</summary>
/// <param name="cluster">The cluster.</param>
public sealed class KafkaFaultDriver(KafkaCluster cluster) : IFaultDriver
{
    /// <summary>Produce requests in flight at once.</summary>
    private const int InFlight = 100;

    /// <inheritdoc/>
    public string Transport => "kafka";

    /// <inheritdoc/>
    public async Task<FaultRun> RunAsync(InjectedFault fault, IReadOnlyList<TestMessage> messages, string poisonId)
    {
        string topic = cluster.UniqueTopic("faults");
        int partitions = await cluster.CreateTopicAsync(topic);
        var options = new KafkaTracingOptions { TopicFilter = fault.Filter };
        using (TracedProducer<string, byte[]> producer = new TracedProducerBuilder<string, byte[]>(cluster.CreateProducerConfig(), fault.Tracer, options).Build())
        {
            for (int start = 0; start < messages.Count; start += InFlight)
            {
                await Task.WhenAll(messages.Skip(start).Take(InFlight)
                    .Select(m => producer.ProduceAsync(topic, new Message<string, byte[]> { Key = m.Id, Value = m.Payload })));
            }
        }

        var run = new FaultRun();
        using TracedConsumer<string, byte[]> consumer = new TracedConsumerBuilder<string, byte[]>(cluster.CreateConsumerConfig(), fault.Tracer, options).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var deadline = Stopwatch.StartNew();
        while (run.Received.Count < messages.Count && deadline.Elapsed < FaultToleranceTests.RunTimeout)
        {
            try
            {
                await consumer.ConsumeAndProcessAsync(TimeSpan.FromMilliseconds(250), (result, _) =>
                {
                    run.Handle(result.Message.Key, result.Message.Value, poisonId);
                    return Task.CompletedTask;
                });
            }
            catch (ApplicationFaultException)
            {
                run.Surfaced();
            }
        }

        consumer.Close();
        return run;
    }
}
