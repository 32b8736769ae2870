using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Propagation;
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
        await using TestBus bus = await TestBus.StartInMemoryAsync();

        using (collector.StartRootSpan("request"))
        {
            await bus.Bus.Publish(new OrderPlaced("o-1"));
        }

        HandlerCall call = Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        string queue = bus.EndpointOf<OrderPlacedConsumer>();
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── urn:message:{OrderPlacedExchange} send (producer)
                └┄┄ {queue} receive (consumer)
                    └── {queue} process (consumer)
            """, spanCount: 4, TestBus.Timeout);
        Activity[] spans = [.. collector.Spans];
        Activity producer = Assert.Single(spans, s => s.Kind == ActivityKind.Producer);
        Activity receive = spans.Single(s => s.DisplayName == $"{queue} receive");
        Assert.Equal(producer.SpanId, receive.ParentSpanId);
        Assert.Equal(producer.SpanId, Assert.Single(receive.Links).Context.SpanId);
        Assert.Equal("send", producer.GetTagItem("messaging.operation.type"));
        Assert.Same(spans.Single(s => s.DisplayName == $"{queue} process"), call.Activity);
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
            await channel.QueueBindAsync(listener, OrderPlacedExchange, string.Empty);
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
        Activity[] spans = [.. collected.Where(s => s.Source.Name != "RabbitMQ.Client.Subscriber" || s.DisplayName.StartsWith("deliver", System.StringComparison.Ordinal))];

        // The story: MassTransit's send span is the producer span, its consumer span the process span (bridged).
        // RabbitMQ.Client 7.1 adds its AMQP publish span under the send span, and a link-only deliver span in a trace of
        // its own; neither can be suppressed without the application's sampler (see README, MassTransit).
        Activity request = spans.Single(s => s.DisplayName == "request");
        Activity[] story = [.. spans.Where(s => s.TraceId == request.TraceId)];
        Activity send = Assert.Single(story, s => s.Kind == ActivityKind.Producer && s.Source.Name == "MassTransit");
        Assert.Single(story, s => s.DisplayName == $"{queue} process");
        Activity amqpPublish = Assert.Single(spans, s => s.Source.Name == "RabbitMQ.Client.Publisher");
        Assert.Equal(send.SpanId, amqpPublish.ParentSpanId);
        Activity deliver = Assert.Single(spans, s => s.Source.Name == "RabbitMQ.Client.Subscriber");
        Assert.NotEqual(request.TraceId, deliver.TraceId);
        Assert.DoesNotContain(spans, s => s.ParentSpanId == deliver.SpanId);
        TraceAssert.Shape($"""
            deliver  (consumer)
            request (internal)
            └── {OrderPlacedExchange} send (producer)
                ├┄┄ {queue} receive (consumer)
                │   └── {queue} process (consumer)
                └── publish  (producer)
            """, spans);

        // On the wire for non-MassTransit consumers: a valid W3C context of the story.
        Assert.True(TraceParentCodec.TryParse(Encoding.UTF8.GetBytes(RawRabbitMq.Header(raw, "traceparent")!), out ActivityContext wire));
        Assert.Equal(request.TraceId, wire.TraceId);
    }
}
