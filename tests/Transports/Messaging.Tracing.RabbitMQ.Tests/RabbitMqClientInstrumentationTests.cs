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

/// <summary>With RabbitMQ.Client's own activity sources listened too: one producer span, and one story.</summary>
[Collection(RabbitMqBroker.CollectionName)]
public class RabbitMqClientInstrumentationTests(RabbitMqBroker broker)
{
    [Fact]
    public async Task There_is_one_producer_span_and_the_process_span_follows_from_it_not_from_the_deliver_span()
    {
        using var collector = new SpanCollector(RabbitMQActivitySource.PublisherSourceName, RabbitMQActivitySource.SubscriberSourceName);
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<(Activity? Current, string TraceParent, IReadOnlyDictionary<string, string> Baggage)>();
        await queue.Consumer.BasicConsumeTracedAsync(queue.Name, autoAck: true, (delivery, _) =>
        {
            handled.TrySetResult((
                Activity.Current,
                Encoding.ASCII.GetString((byte[])delivery.BasicProperties.Headers!["traceparent"]!),
                Baggage.Current.GetBaggage()));
            return Task.CompletedTask;
        });
        using (collector.StartRootSpan("request"))
        {
            Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });
            await queue.PublishTracedAsync();
        }

        (Activity? inHandler, string wireTraceParent, IReadOnlyDictionary<string, string> baggage) = await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);

        await TraceAssert.ShapeAsync(collector, $"""
            deliver {RabbitMqTestQueue.RoutingKey} (consumer)
            request (internal)
            └── publish {RabbitMqTestQueue.RoutingKey} (producer)
                └┄┄ process {queue.ProcessDestination} (consumer)
            """, spanCount: 4, RabbitMqTestQueue.Timeout);
        Activity request = collector.Spans.Single(s => s.DisplayName == "request");
        Activity publish = Assert.Single(collector.Spans, s => s.Kind == ActivityKind.Producer);
        Activity deliver = collector.Spans.Single(s => s.Source.Name == RabbitMQActivitySource.SubscriberSourceName);
        Activity process = collector.Spans.Single(s => s.Source.Name == "Messaging.Tracing");
        Assert.Equal(RabbitMQActivitySource.PublisherSourceName, publish.Source.Name);
        Assert.Equal(TraceParentCodec.Format(publish.Context), wireTraceParent);
        Assert.Same(process, inHandler);
        Assert.Equal(request.TraceId, process.TraceId);
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.NotEqual(deliver.TraceId, process.TraceId);
        Assert.Equal("acme", baggage["tenant"]);
    }

    [Fact]
    public async Task The_deliver_span_is_set_aside_while_the_handler_runs_and_put_back_after()
    {
        using var collector = new SpanCollector(RabbitMQActivitySource.PublisherSourceName, RabbitMQActivitySource.SubscriberSourceName);
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<(Activity? Before, Activity? InHandler, Activity? After)>();
        var consumer = new AsyncEventingBasicConsumer(queue.Consumer);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            Activity? before = Activity.Current;
            Activity? inHandler = null;
            await delivery.ProcessTracedAsync(queue.Name, (_, _) =>
            {
                inHandler = Activity.Current;
                return Task.CompletedTask;
            });
            handled.TrySetResult((before, inHandler, Activity.Current));
        };
        await queue.Consumer.BasicConsumeAsync(queue.Name, autoAck: true, consumer);
        using (collector.StartRootSpan("request"))
        {
            await queue.PublishTracedAsync();
        }

        (Activity? before, Activity? inHandler, Activity? after) = await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);

        Assert.Equal(RabbitMQActivitySource.SubscriberSourceName, before?.Source.Name);
        Assert.Same(before, after);
        Assert.NotNull(inHandler);
        Assert.Equal("Messaging.Tracing", inHandler!.Source.Name);
        Assert.NotEqual(before!.SpanId, inHandler.ParentSpanId);
        Activity publish = Assert.Single(await collector.WaitForSpansAsync(4, RabbitMqTestQueue.Timeout), s => s.Kind == ActivityKind.Producer);
        Assert.Equal(publish.SpanId, inHandler.ParentSpanId);
    }

    [Fact]
    public async Task When_RabbitMQ_Clients_sampler_drops_its_span_the_callers_context_and_baggage_are_on_the_wire()
    {
        using var collector = new SpanCollector();
        using var dropping = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RabbitMQActivitySource.PublisherSourceName,
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

    private static string Header(BasicGetResult message, string key)
        => Encoding.ASCII.GetString(Assert.IsType<byte[]>(message.BasicProperties.Headers![key]));

    private static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
