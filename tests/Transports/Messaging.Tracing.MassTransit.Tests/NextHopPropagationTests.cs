using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using RabbitMQ.Client;
using Xunit;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>
/// A message from a W3C Trace Context Level 2 / W3C Baggage producer that is not MassTransit (flags <c>03</c>, Level 2
/// <c>tracestate</c> keys, baggage member properties) is consumed, and the consumer publishes on: the next hop's headers carry
/// all of it, whether this library's spans replace MassTransit's or MassTransit's own source is listened and bridged.
/// </summary>
[Collection(RabbitMqBroker.CollectionName)]
public class NextHopPropagationTests(RabbitMqBroker broker)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Random_flag_trace_state_and_baggage_properties_reach_the_next_hop(bool massTransitSourceListened)
    {
        using SpanCollector collector = massTransitSourceListened ? new SpanCollector("MassTransit") : new SpanCollector();
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker);
        string plainQueue = broker.UniqueName("next-hop.plain");
        await using (IChannel channel = await broker.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(plainQueue, durable: false, exclusive: false, autoDelete: true);
            await channel.QueueBindAsync(plainQueue, bus.ExchangeOf<OrderPlaced>(), string.Empty);
        }

        await RawRabbitMq.SendAsync(
            broker,
            bus.EndpointOf<RelayOrderConsumer>(),
            RawRabbitMq.Envelope(nameof(RelayOrder), """{"orderId":"relay-1"}"""),
            NextHopHeaders.Headers.ToDictionary(h => h.Key, h => (object?)h.Value));

        BasicGetResult relayed = await RawRabbitMq.GetAsync(broker, plainQueue, TestBus.Timeout);
        IReadOnlyList<Activity> spans = await collector.WaitForAsync(s => s.Any(a => a.Kind == ActivityKind.Producer && a.IsStopped), TestBus.Timeout);
        Activity send = Assert.Single(spans, s => s.Kind == ActivityKind.Producer);
        NextHopHeaders.EnsureCarried(
            RawRabbitMq.Header(relayed, "traceparent"), RawRabbitMq.Header(relayed, "tracestate"), RawRabbitMq.Header(relayed, "baggage"), send);
    }
}
