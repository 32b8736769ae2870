using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using Xunit;

namespace Messaging.Tracing.Kafka.Tests;

/// <summary>
/// A message from a W3C Trace Context Level 2 / W3C Baggage producer (flags <c>03</c>, Level 2 <c>tracestate</c> keys, baggage
/// member properties) is processed, and the handler produces on: the next hop's headers carry all of it.
/// </summary>
[Collection(KafkaCluster.CollectionName)]
public class NextHopPropagationTests(KafkaCluster cluster)
{
    [Fact]
    public async Task Random_flag_trace_state_and_baggage_properties_reach_the_next_hop()
    {
        using var collector = new SpanCollector();
        using KafkaTestTopic incoming = await KafkaTestTopic.CreateAsync(cluster);
        using KafkaTestTopic next = await KafkaTestTopic.CreateAsync(cluster);
        var headers = new Headers();
        foreach (KeyValuePair<string, string> header in NextHopHeaders.Headers)
        {
            headers.Add(header.Key, Encoding.UTF8.GetBytes(header.Value));
        }

        using (IProducer<string, string> plain = new ProducerBuilder<string, string>(cluster.CreateProducerConfig()).Build())
        {
            await plain.ProduceAsync(incoming.Name, new Message<string, string> { Value = "order-1", Headers = headers });
        }

        await incoming.ProcessNextAsync((result, _) =>
            next.Producer.ProduceAsync(next.Name, new Message<string, string> { Value = result.Message.Value }));

        ConsumeResult<string, string> relayed = next.ConsumeNext();
        Activity send = Assert.Single(
            await collector.WaitForAsync(s => s.Any(a => a.Kind == ActivityKind.Producer && a.IsStopped), KafkaTestTopic.Timeout),
            s => s.Kind == ActivityKind.Producer);
        NextHopHeaders.EnsureCarried(Header(relayed, "traceparent"), Header(relayed, "tracestate"), Header(relayed, "baggage"), send);
    }

    private static string? Header(ConsumeResult<string, string> result, string key) =>
        result.Message.Headers.TryGetLastBytes(key, out byte[] value) ? Encoding.UTF8.GetString(value) : null;
}
