using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using RabbitMQ.Client;
using Xunit;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>With MassTransit's (and RabbitMQ.Client's) own instrumentation also switched on.</summary>
[Collection(RabbitMqBroker.CollectionName)]
public class MassTransitInstrumentationTests(RabbitMqBroker broker)
{
    private const string OrderPlacedExchange = "Messaging.Tracing.MassTransit.Tests:OrderPlaced";

    [Fact]
    public async Task MassTransits_own_spans_are_bridged_one_producer_and_one_process_span()
    {
        using var collector = new SpanCollector("MassTransit");
        await using TestBus bus = await TestBus.StartInMemoryAsync(new BusSetup
        {
            Tracing = o =>
            {
                o.EnrichProducerSpan = (span, message) =>
                {
                    if (message is SendContext<OrderPlaced> send)
                    {
                        span.SetTag("app.order_id", send.Message.OrderId);
                    }
                };
                o.EnrichProcessSpan = (span, message) =>
                {
                    if (message is ConsumeContext context && context.TryGetMessage(out ConsumeContext<OrderPlaced>? order))
                    {
                        span.SetTag("app.order_id", order.Message.OrderId);
                    }
                };
            },
        });

        using (collector.StartRootSpan("request"))
        {
            await bus.Bus.Publish(new OrderPlaced("o-1"));
        }

        HandlerCall call = Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        string queue = bus.EndpointOf<OrderPlacedConsumer>();
        // MassTransit's send and consumer spans stand for ours: named, described and enriched as in replace mode (the
        // in-memory transport's destination address is the message type's URN), with MassTransit's attributes kept.
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── publish urn:message:{OrderPlacedExchange} (producer)
                └┄┄ {queue} receive (consumer)
                    └── process {queue} (consumer)
            """, spanCount: 4, TestBus.Timeout);
        Activity[] spans = [.. collector.Spans];
        Activity producer = Assert.Single(spans, s => s.Kind == ActivityKind.Producer);
        Activity receive = spans.Single(s => s.DisplayName == $"{queue} receive");
        Activity process = spans.Single(s => s.DisplayName == $"process {queue}");
        Assert.All([producer, receive, process], s => Assert.Equal("MassTransit", s.Source.Name));
        Assert.Equal(producer.SpanId, receive.ParentSpanId);
        Assert.Equal(producer.SpanId, Assert.Single(receive.Links).Context.SpanId);
        Assert.Equal("send", producer.GetTagItem("messaging.operation.type"));
        Assert.Equal("publish", producer.GetTagItem("messaging.operation.name"));
        Assert.Equal("o-1", producer.GetTagItem("app.order_id"));
        Assert.NotNull(producer.GetTagItem("messaging.masstransit.message_types"));
        Assert.Same(process, call.Activity);
        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
        Assert.Equal(queue, process.GetTagItem("messaging.destination.name"));
        Assert.Equal("o-1", process.GetTagItem("app.order_id"));
        Assert.Equal(typeof(OrderPlacedConsumer).FullName, process.GetTagItem("messaging.masstransit.consumer_type"));
        Assert.Equal(0, process.GetTagItem(MassTransitAttributes.RetryAttempt));
        Assert.Null(receive.GetTagItem("app.order_id"));
    }

    [Trait(LocalTools.Trait, LocalTools.Value)]
    [Theory]
    [InlineData("pika")]
    [InlineData("RabbitMQ.Client")]
    public async Task A_foreign_producers_message_leaves_no_stray_trace_with_MassTransits_source_listened(string producerName)
    {
        using var collector = new SpanCollector("MassTransit");
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker, new BusSetup { Endpoint = e => e.UseRawJsonDeserializer() });
        string queue = bus.EndpointOf<ShipOrderConsumer>();
        using Activity producer = collector.StartRootSpan($"{producerName} producer", ActivityKind.Producer);

        // Neither writes MassTransit's MT-Activity-Id: MassTransit's receive span starts a trace of its own.
        if (producerName == "pika")
        {
            await PikaPublisher.PublishAsync(broker, string.Empty, queue, """{"orderId":"py-1"}""", new Dictionary<string, string>
            {
                ["traceparent"] = TraceParentCodec.Format(producer.Context),
                ["baggage"] = "tenant=acme",
            });
        }
        else
        {
            await RawRabbitMq.SendAsync(broker, queue, RawRabbitMq.Envelope("ShipOrder", """{"orderId":"raw-1"}"""), new Dictionary<string, object?>
            {
                ["traceparent"] = TraceParentCodec.FormatUtf8(producer.Context),
                ["baggage"] = Encoding.ASCII.GetBytes("tenant=acme"),
            });
        }

        producer.Stop();

        // The story continues in our process span; MassTransit's receive span follows from the producer (in a trace of
        // its own, the only way it can) and MassTransit's consumer span, in which the handler runs, sits under ours.
        HandlerCall call = Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        Assert.Equal("acme", call.Baggage["tenant"]);
        await TraceAssert.ShapeAsync(collector, $"""
            {producerName} producer (producer)
            ├┄┄ {queue} receive (consumer) [new trace]
            └┄┄ process {queue} (consumer)
                └── process {queue} (consumer)
            """, spanCount: 4, TestBus.Timeout);
        Activity process = collector.Spans.Single(s => s.Source.Name == MessagingActivitySource.Name && s.Kind == ActivityKind.Consumer);
        Assert.Equal("MassTransit", call.Activity?.Source.Name);
        Assert.Equal(process.SpanId, call.Activity?.ParentSpanId);
    }

    [Fact]
    public async Task RabbitMQ_Clients_publish_span_sits_under_the_producer_span_in_replace_mode()
    {
        using var collector = new SpanCollector("RabbitMQ.Client.Publisher");
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker);

        using (Activity request = collector.StartRootSpan("request"))
        {
            await bus.Bus.Publish(new OrderPlaced("o-3"));

            // The producer span was current only while the transport sent.
            Assert.Same(request, Activity.Current);
        }

        await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout);
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── publish {bus.ExchangeOf<OrderPlaced>()} (producer)
                ├┄┄ process {bus.EndpointOf<OrderPlacedConsumer>()} (consumer)
                └── publish  (producer)
            """, spanCount: 4, TestBus.Timeout);
    }

    [Fact]
    public async Task RabbitMQ_Clients_deliver_span_holds_the_process_span_when_it_continues_the_trace()
    {
        using var collector = new SpanCollector("RabbitMQ.Client.Publisher", "RabbitMQ.Client.Subscriber");
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker);

        using (collector.StartRootSpan("request"))
        {
            await bus.Bus.Publish(new OrderPlaced("o-4"));
        }

        HandlerCall call = Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        string queue = bus.EndpointOf<OrderPlacedConsumer>();

        // 7.2 (UsePublisherAsParent, its default): deliver is a child of RabbitMQ.Client's publish span and holds our process
        // span, as MassTransit's receive span holds its consumer span. 7.1: deliver is the root of a trace of its own, linked
        // by RabbitMQ.Client to its publish span; our process span continues the story.
        await TraceAssert.ShapeAsync(collector, RabbitMqClient.DeliverIsChildOfPublish
            ? $"""
                request (internal)
                └── publish {bus.ExchangeOf<OrderPlaced>()} (producer)
                    └── publish  (producer)
                        └── deliver  (consumer)
                            └── process {queue} (consumer)
                """
            : $"""
                deliver  (consumer)
                request (internal)
                └── publish {bus.ExchangeOf<OrderPlaced>()} (producer)
                    ├┄┄ process {queue} (consumer)
                    └── publish  (producer)
                """, spanCount: 5, TestBus.Timeout);
        Assert.Equal(MessagingActivitySource.Name, call.Activity?.Source.Name);
    }

    [Fact]
    public async Task With_all_three_sources_MassTransit_carries_the_story_and_RabbitMQ_Client_spans_stay_transport_detail()
    {
        using var collector = new SpanCollector("MassTransit", "RabbitMQ.Client.Publisher", "RabbitMQ.Client.Subscriber");
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker);
        string listener = broker.UniqueName("raw-listener");
        await using (IChannel channel = await broker.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(listener, durable: false, exclusive: false, autoDelete: true);
            await channel.QueueBindAsync(listener, bus.ExchangeOf<OrderPlaced>(), string.Empty);
        }

        using (collector.StartRootSpan("request"))
        {
            await bus.Bus.Publish(new OrderPlaced("o-2"));
        }

        await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout);
        BasicGetResult raw = await RawRabbitMq.GetAsync(broker, listener, TestBus.Timeout);
        string queue = bus.EndpointOf<OrderPlacedConsumer>();
        IReadOnlyList<Activity> collected = await collector.WaitForAsync(c => c.Count(a => a.Source.Name != SpanCollector.TestSourceName) >= 6, TestBus.Timeout);

        // Leave out the test's own BasicGet of the plain listener queue.
        Activity[] spans = [.. collected.Where(s => s.Source.Name != "RabbitMQ.Client.Subscriber" || s.DisplayName.StartsWith("deliver", StringComparison.Ordinal))];

        // The story: MassTransit's send span is the producer span, its receive and consumer spans carry the delivery
        // (bridged). RabbitMQ.Client adds its AMQP publish span under the send span, and its deliver span: under the publish
        // span on 7.2 (UsePublisherAsParent, its default), in a trace of its own linked to it on 7.1. Neither can be
        // removed without the application's sampler or RabbitMQ.Client's static settings (README, MassTransit).
        Assert.Single(spans, s => s.Kind == ActivityKind.Producer && s.Source.Name == "MassTransit");
        Assert.DoesNotContain(spans, s => s.Source.Name == MessagingActivitySource.Name);
        TraceAssert.Shape(RabbitMqClient.DeliverIsChildOfPublish
            ? $"""
                request (internal)
                └── publish {bus.ExchangeOf<OrderPlaced>()} (producer)
                    ├┄┄ {queue} receive (consumer)
                    │   └── process {queue} (consumer)
                    └── publish  (producer)
                        └── deliver  (consumer)
                """
            : $"""
                deliver  (consumer)
                request (internal)
                └── publish {bus.ExchangeOf<OrderPlaced>()} (producer)
                    ├┄┄ {queue} receive (consumer)
                    │   └── process {queue} (consumer)
                    └── publish  (producer)
                """, spans);

        // On the wire for non-MassTransit consumers: a valid W3C context of the story.
        Activity request = spans.Single(s => s.DisplayName == "request");
        Assert.True(TraceParentCodec.TryParse(Encoding.UTF8.GetBytes(RawRabbitMq.Header(raw, "traceparent")!), out ActivityContext wire));
        Assert.Equal(request.TraceId, wire.TraceId);
    }
}
