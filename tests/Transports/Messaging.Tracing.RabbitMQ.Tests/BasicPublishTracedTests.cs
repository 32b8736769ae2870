using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit;

namespace Messaging.Tracing.RabbitMQ.Tests;

[Collection(RabbitMqBroker.CollectionName)]
public class BasicPublishTracedTests(RabbitMqBroker broker)
{
    [Fact]
    public async Task The_publish_span_has_the_convention_attributes_and_its_context_is_on_the_wire()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var properties = new BasicProperties { MessageId = "m-1", CorrelationId = "c-1" };

        await queue.PublishTracedAsync(properties, "{\"order\":1}"u8.ToArray(), new RabbitMqTracingOptions { ClientId = "orders-api" });

        Activity publish = Assert.Single(collector.Spans);
        Assert.Equal($"publish {queue.Destination}", publish.DisplayName);
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Equal("rabbitmq", publish.GetTagItem("messaging.system"));
        Assert.Equal("send", publish.GetTagItem("messaging.operation.type"));
        Assert.Equal("publish", publish.GetTagItem("messaging.operation.name"));
        Assert.Equal(queue.Destination, publish.GetTagItem("messaging.destination.name"));
        Assert.Equal(RabbitMqTestQueue.RoutingKey, publish.GetTagItem("messaging.rabbitmq.destination.routing_key"));
        Assert.Equal("m-1", publish.GetTagItem("messaging.message.id"));
        Assert.Equal("c-1", publish.GetTagItem("messaging.message.conversation_id"));
        Assert.Equal(11, publish.GetTagItem("messaging.message.body.size"));
        Assert.Equal("orders-api", publish.GetTagItem("messaging.client.id"));
        Assert.Equal(ActivityStatusCode.Unset, publish.Status);
        BasicGetResult received = await queue.GetAsync();
        Assert.Equal(TraceParentCodec.Format(publish.Context), Header(received, "traceparent"));
        Assert.Equal("m-1", received.BasicProperties.MessageId);
    }

    [Fact]
    public async Task The_default_exchange_is_named_amq_default()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);

        await queue.Publisher.BasicPublishTracedAsync(MessagingTracer.Default, string.Empty, queue.Name, "v"u8.ToArray());

        Activity publish = Assert.Single(collector.Spans);
        Assert.Equal($"publish amq.default:{queue.Name}", publish.DisplayName);
        Assert.Equal(TraceParentCodec.Format(publish.Context), Header(await queue.GetAsync(), "traceparent"));
    }

    [Fact]
    public async Task The_callers_properties_are_never_modified_and_stale_trace_headers_are_replaced()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker, publisherConfirms: true);
        byte[] application = [0, 1, 2, 254, 255];
        var headers = new Dictionary<string, object?>
        {
            ["app"] = application,
            ["traceparent"] = "00-11111111111111111111111111111111-2222222222222222-01",
            ["tracestate"] = "stale=1",
            ["baggage"] = "stale=1",
        };
        var properties = new BasicProperties { MessageId = "m-1", Headers = headers };
        using Activity request = collector.StartRootSpan("request");
        request.TraceStateString = "vendor=abc";
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });

        await queue.PublishTracedAsync(properties);
        await queue.PublishTracedAsync(properties);

        Assert.Same(headers, properties.Headers);
        Assert.Equal(["app", "traceparent", "tracestate", "baggage"], headers.Keys);
        Assert.Same(application, headers["app"]);
        Assert.Equal("stale=1", headers["tracestate"]);
        IReadOnlyList<Activity> spans = await collector.WaitForSpansAsync(2, RabbitMqTestQueue.Timeout);
        for (int i = 0; i < 2; i++)
        {
            BasicGetResult received = await queue.GetAsync();
            IDictionary<string, object?> wire = received.BasicProperties.Headers!;
            Assert.Equal(TraceParentCodec.Format(spans[i].Context), Header(received, "traceparent"));
            Assert.Equal("vendor=abc", Header(received, "tracestate"));
            Assert.Equal("tenant=acme", Header(received, "baggage"));
            Assert.Equal(application, wire["app"]);

            // Besides RabbitMQ.Client's publish sequence number (publisher confirms), nothing was added.
            wire.Remove("x-dotnet-pub-seq-no");
            Assert.Equal(4, wire.Count);
        }
    }

    [Fact]
    public async Task Received_properties_can_be_forwarded_and_stay_unchanged()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        await queue.PublishTracedAsync(new BasicProperties { MessageId = "m-1" });
        BasicGetResult first = await queue.GetAsync();
        string firstTraceParent = Header(first, "traceparent");
        using Activity forwarder = collector.StartRootSpan("forwarder");

        await queue.Publisher.BasicPublishTracedAsync(MessagingTracer.Default, queue.Exchange, RabbitMqTestQueue.RoutingKey, mandatory: true, first.BasicProperties, first.Body.ToArray());

        Assert.Equal(firstTraceParent, Header(first, "traceparent"));
        BasicGetResult second = await queue.GetAsync();
        Assert.Equal("m-1", second.BasicProperties.MessageId);
        Assert.StartsWith($"00-{forwarder.TraceId.ToHexString()}-", Header(second, "traceparent"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_publisher_confirms_the_span_ends_after_the_confirm_and_a_returned_message_is_recorded_and_rethrown()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker, publisherConfirms: true);

        await queue.PublishTracedAsync();
        PublishException thrown = await Assert.ThrowsAnyAsync<PublishException>(
            () => queue.Publisher.BasicPublishTracedAsync(MessagingTracer.Default, queue.Exchange, "no.such.binding", mandatory: true, properties: null, "v"u8.ToArray()).AsTask());

        // Rethrown as RabbitMQ.Client threw it: 7.2 has a PublishReturnException for a returned message, 7.1 a PublishException.
        Assert.True(thrown.IsReturn);
#if RABBITMQ_CLIENT_FLOOR
        Assert.IsType<PublishException>(thrown);
#else
        Assert.IsType<PublishReturnException>(thrown);
#endif
        Assert.Equal(2, collector.Spans.Count);
        Activity confirmed = collector.Spans[0];
        Activity returned = collector.Spans[1];
        Assert.Equal(ActivityStatusCode.Unset, confirmed.Status);
        Assert.Equal(ActivityStatusCode.Error, returned.Status);

        // The same error.type on every RabbitMQ.Client version.
        Assert.Equal("RabbitMQ.Client.Exceptions.PublishReturnException", returned.GetTagItem("error.type"));
        Assert.Equal(RabbitMqAttributes.ReturnedErrorType, returned.GetTagItem("error.type"));
        ActivityEvent exception = Assert.Single(returned.Events);
        Assert.Equal("exception", exception.Name);
        Assert.Equal(thrown.GetType().FullName, exception.Tags.Single(t => t.Key == "exception.type").Value);
    }

    [Fact]
    public async Task An_unsampled_caller_sends_an_unsampled_context()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        using Activity upstream = new Activity("upstream").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None).Start();

        await queue.PublishTracedAsync();

        string traceParent = Header(await queue.GetAsync(), "traceparent");
        Assert.StartsWith($"00-{upstream.TraceId.ToHexString()}-", traceParent, StringComparison.Ordinal);
        Assert.EndsWith("-00", traceParent, StringComparison.Ordinal);
        Assert.Empty(collector.Spans);
    }

    [Fact]
    public async Task A_filtered_exchange_passes_through_without_span_or_headers()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        using Activity request = collector.StartRootSpan("request");
        var options = new RabbitMqTracingOptions { ExchangeFilter = exchange => exchange != queue.Exchange };

        await queue.PublishTracedAsync(options: options);

        Assert.Null((await queue.GetAsync()).BasicProperties.Headers);
        Assert.Empty(collector.Spans);
    }

    [Fact]
    public async Task A_throwing_filter_is_reported_and_the_message_is_traced()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);

        await queue.PublishTracedAsync(options: new RabbitMqTracingOptions { ExchangeFilter = _ => throw new InvalidOperationException("filter bug") });

        Activity publish = Assert.Single(collector.Spans);
        Assert.Equal(TraceParentCodec.Format(publish.Context), Header(await queue.GetAsync(), "traceparent"));
    }

    private static string Header(BasicGetResult message, string key)
        => Encoding.ASCII.GetString(Assert.IsType<byte[]>(message.BasicProperties.Headers![key]));
}
