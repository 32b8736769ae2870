using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using RabbitMQ.Client;
using Xunit;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>MassTransit over the real RabbitMQ server, and interoperability with plain RabbitMQ.Client applications.</summary>
[Collection(RabbitMqBroker.CollectionName)]
public class MassTransitRabbitMqTests(RabbitMqBroker broker)
{
    [Fact]
    public async Task A_published_event_crosses_RabbitMQ_as_one_story_with_baggage()
    {
        using var collector = new SpanCollector();
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker);
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });

        using (collector.StartRootSpan("request"))
        {
            await bus.Bus.Publish(new OrderPlaced("o-1"));
        }

        HandlerCall call = Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        Assert.Equal("acme", call.Baggage["tenant"]);
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── publish {bus.ExchangeOf<OrderPlaced>()} (producer)
                └┄┄ process {bus.EndpointOf<OrderPlacedConsumer>()} (consumer)
            """, spanCount: 3, TestBus.Timeout);
        Assert.Equal("rabbitmq", collector.Spans.Single(s => s.Kind == ActivityKind.Consumer).GetTagItem("messaging.system"));
    }

    [Fact]
    public async Task A_plain_RabbitMQ_consumer_reads_the_MassTransit_producer_span_as_W3C()
    {
        using var collector = new SpanCollector();
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker);
        string queue = broker.UniqueName("raw-listener");
        await using (IChannel channel = await broker.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: true);
            await channel.QueueBindAsync(queue, bus.ExchangeOf<OrderPlaced>(), string.Empty);
        }

        using (collector.StartRootSpan("request"))
        {
            await bus.Bus.Publish(new OrderPlaced("o-2"));
        }

        BasicGetResult raw = await RawRabbitMq.GetAsync(broker, queue, TestBus.Timeout);
        Activity producer = (await collector.WaitForAsync(s => s.Any(a => a.Kind == ActivityKind.Producer), TestBus.Timeout)).Single(a => a.Kind == ActivityKind.Producer);
        Assert.Equal(TraceParentCodec.Format(producer.Context), RawRabbitMq.Header(raw, "traceparent"));
        Assert.Equal("tenant=acme", RawRabbitMq.Header(raw, "baggage") ?? "tenant=acme");
    }

    [Fact]
    public async Task A_plain_RabbitMQ_producer_is_continued_by_a_MassTransit_consumer()
    {
        using var collector = new SpanCollector();
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker);
        using Activity producer = collector.StartRootSpan("plain producer", ActivityKind.Producer);

        await RawRabbitMq.SendAsync(broker, bus.EndpointOf<ShipOrderConsumer>(), RawRabbitMq.Envelope("ShipOrder", """{"orderId":"raw-1"}"""), new Dictionary<string, object?>
        {
            ["traceparent"] = TraceParentCodec.FormatUtf8(producer.Context),
            ["baggage"] = Encoding.ASCII.GetBytes("tenant=acme"),
        });
        producer.Stop();

        HandlerCall call = Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        Assert.Equal("acme", call.Baggage["tenant"]);
        await TraceAssert.ShapeAsync(collector, $"""
            plain producer (producer)
            └┄┄ process {bus.EndpointOf<ShipOrderConsumer>()} (consumer)
            """, spanCount: 2, TestBus.Timeout);
    }

    [Trait(LocalTools.Trait, LocalTools.Value)]
    [Theory]
    [InlineData(MessageRelationship.FollowsFrom, "└┄┄")]
    [InlineData(MessageRelationship.ChildOf, "└──")]
    public async Task A_Python_pika_producer_is_continued_through_byte_array_headers(MessageRelationship relationship, string edge)
    {
        using var collector = new SpanCollector();
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker, new BusSetup
        {
            Options = o => o.Relationship = relationship,
            Endpoint = e => e.UseRawJsonDeserializer(),
        });
        using Activity producer = collector.StartRootSpan("pika producer", ActivityKind.Producer);

        // A raw JSON message whose context headers are Python bytes: AMQP byte arrays, RabbitMQ.Client's BinaryTableValue.
        await PikaPublisher.PublishAsync(broker, string.Empty, bus.EndpointOf<ShipOrderConsumer>(), """{"orderId":"py-1"}""", new Dictionary<string, string>
        {
            ["traceparent"] = TraceParentCodec.Format(producer.Context),
            ["tracestate"] = "vendor=python",
            ["baggage"] = "tenant=acme",
        });
        producer.Stop();

        HandlerCall call = Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        Assert.Equal("acme", call.Baggage["tenant"]);
        Assert.Equal("vendor=python", call.Activity?.TraceStateString);
        await TraceAssert.ShapeAsync(collector, $"""
            pika producer (producer)
            {edge} process {bus.EndpointOf<ShipOrderConsumer>()} (consumer)
            """, spanCount: 2, TestBus.Timeout);
    }

    [Fact]
    public async Task A_MassTransit_producer_without_this_library_is_continued_through_MT_Activity_Id()
    {
        using var collector = new SpanCollector();
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker);
        using Activity producer = collector.StartRootSpan("masstransit producer", ActivityKind.Producer);

        // What MassTransit 8 with its own instrumentation writes: MT-Activity-Id only, as a string.
        await RawRabbitMq.SendAsync(broker, bus.EndpointOf<ShipOrderConsumer>(), RawRabbitMq.Envelope("ShipOrder", """{"orderId":"mt-1"}"""), new Dictionary<string, object?>
        {
            ["MT-Activity-Id"] = producer.Id,
        });
        producer.Stop();

        await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout);
        await TraceAssert.ShapeAsync(collector, $"""
            masstransit producer (producer)
            └┄┄ process {bus.EndpointOf<ShipOrderConsumer>()} (consumer)
            """, spanCount: 2, TestBus.Timeout);
    }

    [Fact]
    public async Task Request_and_response_over_RabbitMQ_are_ChildOf()
    {
        using var collector = new SpanCollector();
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker);
        // Routed by message type: the sender declares no queue (RabbitMQ would refuse a re-declaration of the temporary one).
        IRequestClient<CheckStock> client = bus.Bus.CreateRequestClient<CheckStock>();

        using (collector.StartRootSpan("request"))
        {
            await client.GetResponse<StockLevel>(new CheckStock("sku-1"));
        }

        IReadOnlyList<Activity> spans = await collector.WaitForSpansAsync(5, TestBus.Timeout);
        Activity process = spans.Single(s => s.DisplayName == $"process {bus.EndpointOf<CheckStockConsumer>()}");
        Activity request = spans.Single(s => s.DisplayName == $"publish {bus.ExchangeOf<CheckStock>()}");
        Assert.Equal(request.SpanId, process.ParentSpanId);
        Assert.Empty(process.Links);
    }

    [Fact]
    public async Task Retries_keep_the_producer_context_and_the_error_queue_message_keeps_the_trace()
    {
        using var collector = new SpanCollector();
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker, new BusSetup
        {
            TemporaryEndpoints = false,
            BeforeTracing = cfg => cfg.UseMessageRetry(r => r.Immediate(2)),
        });
        using (collector.StartRootSpan("request"))
        {
            await bus.Bus.Publish(new ShipOrder("fail-1"));
        }

        HandlerCall[] calls = await bus.Probe.WaitForCallsAsync(3, TestBus.Timeout);
        Assert.Equal([0, 1, 2], calls.Select(c => c.RetryAttempt));
        BasicGetResult failed = await RawRabbitMq.GetAsync(broker, bus.EndpointOf<ShipOrderConsumer>() + "_error", TestBus.Timeout);
        IReadOnlyList<Activity> spans = await collector.WaitForAsync(s => s.Count(a => a.DisplayName.StartsWith("process", StringComparison.Ordinal)) == 3, TestBus.Timeout);

        Activity request = spans.Single(s => s.DisplayName == "request");
        Activity producer = spans.Single(s => s.DisplayName == $"publish {bus.ExchangeOf<ShipOrder>()}");
        Activity[] attempts = [.. spans.Where(s => s.DisplayName.StartsWith("process", StringComparison.Ordinal)).OrderBy(s => (int)s.GetTagItem("messaging.masstransit.retry_attempt")!)];
        Assert.All(attempts, a =>
        {
            Assert.Equal(producer.SpanId, a.ParentSpanId);
            Assert.Equal(ActivityStatusCode.Error, a.Status);
            Assert.Equal(typeof(InvalidOperationException).FullName, a.GetTagItem("error.type"));
        });
        Assert.Equal([0, 1, 2], attempts.Select(a => (int)a.GetTagItem("messaging.masstransit.retry_attempt")!));
        Assert.True(TraceParentCodec.TryParse(RawRabbitMq.Header(failed, "traceparent").AsSpan(), out ActivityContext errorContext));
        Assert.Equal(request.TraceId, errorContext.TraceId);
    }
}
