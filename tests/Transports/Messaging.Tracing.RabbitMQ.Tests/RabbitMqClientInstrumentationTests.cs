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
using RabbitMQ.Client.Events;
using Xunit;

namespace Messaging.Tracing.RabbitMQ.Tests;

/// <summary>
/// With RabbitMQ.Client's own activity sources listened too: one producer span and one consumer span per hop, whatever
/// the application's <c>UsePublisherAsParent</c> (and on RabbitMQ.Client 7.1, whose deliver span is always link-only).
/// </summary>
[Collection(RabbitMqClientTracingCollection.Name)]
public class RabbitMqClientInstrumentationTests(RabbitMqBroker broker)
{
    private const string Publisher = RabbitMQActivitySource.PublisherSourceName;
    private const string Subscriber = RabbitMQActivitySource.SubscriberSourceName;

    public static TheoryData<MessageRelationship, bool> SameTracePolicies => Combine(MessageRelationship.FollowsFrom, MessageRelationship.ChildOf);

    public static TheoryData<string, bool> PoliciesRefusingTheProducersTrace
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (bool publisherAsParent in UsePublisherAsParentSetting.Values)
            {
                data.Add("NewTrace consumer", publisherAsParent);
                data.Add("untrusted sender", publisherAsParent);
            }

            return data;
        }
    }

    public static TheoryData<bool> PublisherAsParent => UsePublisherAsParentSetting.Values;

    [Theory]
    [MemberData(nameof(SameTracePolicies))]
    public async Task A_hop_has_one_producer_and_one_consumer_span_and_the_deliver_span_is_the_process_span(MessageRelationship relationship, bool publisherAsParent)
    {
        using var setting = new UsePublisherAsParentSetting(publisherAsParent);
        using var collector = new SpanCollector(Publisher, Subscriber);
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var tracer = new MessagingTracer(new MessagingTracingOptions
        {
            EnrichProcessSpan = (span, message) => span.SetTag("app.delivery_tag", (long)((BasicDeliverEventArgs)message).DeliveryTag),
        });
        var handled = NewSignal<(Activity? Current, IReadOnlyDictionary<string, string> Baggage, ulong DeliveryTag)>();
        await queue.Consumer.BasicConsumeTracedAsync(tracer, queue.Name, autoAck: true, (delivery, _) =>
        {
            handled.TrySetResult((Activity.Current, Baggage.Current.GetBaggage(), delivery.DeliveryTag));
            return Task.CompletedTask;
        }, new RabbitMqTracingOptions { Relationship = relationship, ClientId = "billing" });

        Activity request = await PublishInRequestAsync(collector, queue);

        (Activity? inHandler, IReadOnlyDictionary<string, string> baggage, ulong deliveryTag) = await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        await TraceAssert.ShapeAsync(collector, publisherAsParent
            ? $"""
                request (internal)
                └── publish {RabbitMqTestQueue.RoutingKey} (producer)
                    └── process {queue.ProcessDestination} (consumer)
                """
            : $"""
                process {queue.ProcessDestination} (consumer)
                request (internal)
                └── publish {RabbitMqTestQueue.RoutingKey} (producer)
                """, spanCount: 3, RabbitMqTestQueue.Timeout);
        Activity publish = Assert.Single(collector.Spans, s => s.Kind == ActivityKind.Producer);
        Activity process = Assert.Single(collector.Spans, s => s.Kind == ActivityKind.Consumer);
        Assert.Equal(Publisher, publish.Source.Name);
        Assert.Equal(Subscriber, process.Source.Name);
        Assert.Same(process, inHandler);
        Assert.Equal(publisherAsParent, process.TraceId == request.TraceId);

        // RabbitMQ.Client's own link to the producer, not a second one.
        ActivityLink link = Assert.Single(process.Links);
        Assert.Equal(publish.Context.SpanId, link.Context.SpanId);
        Assert.Equal("rabbitmq", process.GetTagItem("messaging.system"));
        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
        Assert.Equal("process", process.GetTagItem("messaging.operation.name"));
        Assert.Equal(queue.ProcessDestination, process.GetTagItem("messaging.destination.name"));
        Assert.Equal(RabbitMqTestQueue.RoutingKey, process.GetTagItem("messaging.rabbitmq.destination.routing_key"));
        Assert.Equal((long)deliveryTag, process.GetTagItem("messaging.rabbitmq.message.delivery_tag"));
        Assert.Equal("m-1", process.GetTagItem("messaging.message.id"));
        Assert.Equal("billing", process.GetTagItem("messaging.client.id"));
        Assert.Equal((long)deliveryTag, process.GetTagItem("app.delivery_tag"));
        Assert.Equal("acme", baggage["tenant"]);
    }

    [Theory]
    [MemberData(nameof(PoliciesRefusingTheProducersTrace))]
    public async Task A_NewTrace_consumer_or_an_untrusted_sender_never_runs_in_the_producers_trace(string policy, bool publisherAsParent)
    {
        using var setting = new UsePublisherAsParentSetting(publisherAsParent);
        using var collector = new SpanCollector(Publisher, Subscriber);
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        bool trusted = policy == "NewTrace consumer";
        RabbitMqTracingOptions options = trusted
            ? new RabbitMqTracingOptions { Relationship = MessageRelationship.NewTrace }
            : new RabbitMqTracingOptions { TrustIncomingContext = false };
        var handled = NewSignal<(Activity? Current, IReadOnlyDictionary<string, string> Baggage)>();
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (_, _) =>
        {
            handled.TrySetResult((Activity.Current, Baggage.Current.GetBaggage()));
            return Task.CompletedTask;
        }, options: options);

        Activity request = await PublishInRequestAsync(collector, queue);

        (Activity? inHandler, IReadOnlyDictionary<string, string> baggage) = await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        Assert.NotNull(inHandler);
        Assert.NotEqual(request.TraceId, inHandler!.TraceId);
        Assert.Equal(default, inHandler.ParentSpanId);
        Assert.Equal(trusted ? ["tenant"] : [], baggage.Keys);
        if (publisherAsParent)
        {
            // RabbitMQ.Client's deliver span continues the producer's trace: it stays there, untouched, and the handler
            // runs in this library's own process span, a new trace linked to the producer.
            await TraceAssert.ShapeAsync(collector, $"""
                request (internal)
                └── publish {RabbitMqTestQueue.RoutingKey} (producer)
                    ├── deliver {RabbitMqTestQueue.RoutingKey} (consumer)
                    └┄┄ process {queue.ProcessDestination} (consumer) [new trace]
                """, spanCount: 4, RabbitMqTestQueue.Timeout);
            Assert.Equal("Messaging.Tracing", inHandler.Source.Name);
            Assert.Equal("deliver", collector.Spans.Single(s => s.Source.Name == Subscriber).GetTagItem("messaging.operation.name"));
        }
        else
        {
            // A link-only deliver span is already a new trace: it is the process span.
            await TraceAssert.ShapeAsync(collector, $"""
                process {queue.ProcessDestination} (consumer)
                request (internal)
                └── publish {RabbitMqTestQueue.RoutingKey} (producer)
                """, spanCount: 3, RabbitMqTestQueue.Timeout);
            Assert.Equal(Subscriber, inHandler.Source.Name);
        }
    }

    [Theory]
    [MemberData(nameof(PublisherAsParent))]
    public async Task A_handler_exception_is_recorded_on_the_deliver_span_and_rethrown_and_the_context_put_back(bool publisherAsParent)
    {
        using var setting = new UsePublisherAsParentSetting(publisherAsParent);
        using var collector = new SpanCollector(Publisher, Subscriber);
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<(Activity? Before, Activity? InHandler, IReadOnlyDictionary<string, string>? BaggageInHandler, Exception? Thrown, Activity? After, IReadOnlyDictionary<string, string> BaggageAfter)>();
        var consumer = new AsyncEventingBasicConsumer(queue.Consumer);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            Activity? before = Activity.Current;
            Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["consumer"] = "loop" });
            Activity? inHandler = null;
            IReadOnlyDictionary<string, string>? baggageInHandler = null;
            Exception? thrown = null;
            try
            {
                await delivery.ProcessTracedAsync(MessagingTracer.Default, queue.Name, (_, _) =>
                {
                    inHandler = Activity.Current;
                    baggageInHandler = Baggage.Current.GetBaggage();
                    throw new InvalidOperationException("handler failed");
                });
            }
            catch (InvalidOperationException ex)
            {
                thrown = ex;
            }

            handled.TrySetResult((before, inHandler, baggageInHandler, thrown, Activity.Current, Baggage.Current.GetBaggage()));
        };
        await queue.Consumer.BasicConsumeAsync(queue.Name, autoAck: true, consumer);

        await PublishInRequestAsync(collector, queue);

        (Activity? before, Activity? inHandler, IReadOnlyDictionary<string, string>? baggageInHandler, Exception? thrown, Activity? after, IReadOnlyDictionary<string, string> baggageAfter) =
            await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        Assert.Equal(Subscriber, before?.Source.Name);
        Assert.Same(before, inHandler);
        Assert.Same(before, after);
        Assert.Equal("handler failed", thrown?.Message);
        Assert.Equal(new Dictionary<string, string> { ["tenant"] = "acme" }, baggageInHandler);
        Assert.Equal(new Dictionary<string, string> { ["consumer"] = "loop" }, baggageAfter);
        await TraceAssert.ShapeAsync(collector, publisherAsParent
            ? $"""
                request (internal)
                └── publish {RabbitMqTestQueue.RoutingKey} (producer)
                    └── process {queue.ProcessDestination} (consumer) ✗ System.InvalidOperationException
                """
            : $"""
                process {queue.ProcessDestination} (consumer) ✗ System.InvalidOperationException
                request (internal)
                └── publish {RabbitMqTestQueue.RoutingKey} (producer)
                """, spanCount: 3, RabbitMqTestQueue.Timeout);
        Assert.Equal("exception", Assert.Single(before!.Events).Name);
    }

    [Theory]
    [MemberData(nameof(PublisherAsParent))]
    public async Task The_deliver_span_of_another_delivery_is_not_bridged_but_ambient(bool publisherAsParent)
    {
        // A handler that processes another delivery (here the same message under another delivery tag, as a batching
        // consumer might hand over) runs in its own process span, inside the deliver span that is current.
        using var setting = new UsePublisherAsParentSetting(publisherAsParent);
        using var collector = new SpanCollector(Publisher, Subscriber);
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<(Activity? Deliver, Activity? InHandler)>();
        var consumer = new AsyncEventingBasicConsumer(queue.Consumer);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var other = new BasicDeliverEventArgs(
                delivery.ConsumerTag, delivery.DeliveryTag + 1, delivery.Redelivered, delivery.Exchange, delivery.RoutingKey, delivery.BasicProperties, delivery.Body, delivery.CancellationToken);
            Activity? inHandler = null;
            await other.ProcessTracedAsync(MessagingTracer.Default, queue.Name, (_, _) =>
            {
                inHandler = Activity.Current;
                return Task.CompletedTask;
            });
            handled.TrySetResult((Activity.Current, inHandler));
        };
        await queue.Consumer.BasicConsumeAsync(queue.Name, autoAck: true, consumer);

        await PublishInRequestAsync(collector, queue);

        (Activity? deliver, Activity? inHandler) = await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        await TraceAssert.ShapeAsync(collector, publisherAsParent
            ? $"""
                request (internal)
                └── publish {RabbitMqTestQueue.RoutingKey} (producer)
                    └── deliver {RabbitMqTestQueue.RoutingKey} (consumer)
                        └── process {queue.ProcessDestination} (consumer)
                """
            : $"""
                deliver {RabbitMqTestQueue.RoutingKey} (consumer)
                └── process {queue.ProcessDestination} (consumer)
                request (internal)
                └── publish {RabbitMqTestQueue.RoutingKey} (producer)
                """, spanCount: 4, RabbitMqTestQueue.Timeout);
        Assert.Equal(Subscriber, deliver?.Source.Name);
        Assert.Equal("Messaging.Tracing", inHandler?.Source.Name);
        Assert.Same(deliver, inHandler!.Parent);
    }

    [Trait(LocalTools.Trait, LocalTools.Value)]
    [Theory]
    [MemberData(nameof(PublisherAsParent))]
    public async Task A_producer_RabbitMQ_Client_cannot_read_is_continued_by_this_librarys_process_span(bool publisherAsParent)
    {
        // Python's pika sends header values as AMQP byte arrays, which RabbitMQ.Client's own extractor does not read: its
        // deliver span starts a new trace knowing nothing of the producer. Bridging it would break the story, so it is set
        // aside and the handler runs in this library's process span, which follows from the producer in the producer's trace.
        using var setting = new UsePublisherAsParentSetting(publisherAsParent);
        using var collector = new SpanCollector(Publisher, Subscriber);
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<(Activity? Current, IReadOnlyDictionary<string, string> Baggage)>();
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (_, _) =>
        {
            handled.TrySetResult((Activity.Current, Baggage.Current.GetBaggage()));
            return Task.CompletedTask;
        });
        Activity upstream = collector.StartRootSpan("upstream");
        upstream.Stop();

        await PikaPublisher.PublishAsync(broker, queue.Exchange, RabbitMqTestQueue.RoutingKey, "{}", new Dictionary<string, string>
        {
            ["traceparent"] = TraceParentCodec.Format(upstream.Context),
            ["baggage"] = "tenant=acme",
        });

        (Activity? inHandler, IReadOnlyDictionary<string, string> baggage) = await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        await TraceAssert.ShapeAsync(collector, $"""
            deliver {RabbitMqTestQueue.RoutingKey} (consumer)
            upstream (internal)
            └┄┄ process {queue.ProcessDestination} (consumer)
            """, spanCount: 3, RabbitMqTestQueue.Timeout);
        Assert.Equal("Messaging.Tracing", inHandler?.Source.Name);
        Assert.Equal(upstream.TraceId, inHandler!.TraceId);
        Assert.Equal("acme", baggage["tenant"]);
    }

    [Fact]
    public async Task When_RabbitMQ_Clients_sampler_drops_its_span_the_callers_context_and_baggage_are_on_the_wire()
    {
        using var collector = new SpanCollector();
        using var dropping = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Publisher,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
        };
        ActivitySource.AddActivityListener(dropping);
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        using Activity request = collector.StartRootSpan("request");
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });

        await queue.PublishTracedAsync();

        BasicGetResult received = await queue.GetAsync();
        Assert.Equal(TraceParentCodec.Format(request.Context), Header(received, "traceparent"));
        Assert.Equal("tenant=acme", Header(received, "baggage"));
        Assert.Empty(collector.Spans);
    }

    private static TheoryData<MessageRelationship, bool> Combine(params MessageRelationship[] relationships)
    {
        var data = new TheoryData<MessageRelationship, bool>();
        foreach (MessageRelationship relationship in relationships)
        {
            foreach (bool publisherAsParent in UsePublisherAsParentSetting.Values)
            {
                data.Add(relationship, publisherAsParent);
            }
        }

        return data;
    }

    /// <summary>Publishes one message (id <c>m-1</c>, baggage <c>tenant=acme</c>) inside a <c>request</c> span; returns the ended request span.</summary>
    private static async Task<Activity> PublishInRequestAsync(SpanCollector collector, RabbitMqTestQueue queue)
    {
        using Activity request = collector.StartRootSpan("request");
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });
        await queue.PublishTracedAsync(new BasicProperties { MessageId = "m-1" });
        return request;
    }

    private static string Header(BasicGetResult message, string key)
        => Encoding.ASCII.GetString(Assert.IsType<byte[]>(message.BasicProperties.Headers![key]));

    private static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
