using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
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

[Collection(RabbitMqBroker.CollectionName)]
public class TracedConsumerTests(RabbitMqBroker broker)
{
    [Fact]
    public async Task A_consumer_follows_from_the_publisher_in_the_same_trace()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<(Activity? Current, ulong DeliveryTag)>();
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (delivery, _) =>
        {
            handled.TrySetResult((Activity.Current, delivery.DeliveryTag));
            return Task.CompletedTask;
        });

        await PublishInRequestAsync(collector, queue, new BasicProperties { MessageId = "m-1", CorrelationId = "c-1" });

        (Activity? inHandler, ulong deliveryTag) = await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── publish {queue.Destination} (producer)
                └┄┄ process {queue.ProcessDestination} (consumer)
            """, spanCount: 3, RabbitMqTestQueue.Timeout);
        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Same(process, inHandler);
        Assert.True(process.IsStopped);
        Assert.Equal("rabbitmq", process.GetTagItem("messaging.system"));
        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
        Assert.Equal(queue.ProcessDestination, process.GetTagItem("messaging.destination.name"));
        Assert.Equal(RabbitMqTestQueue.RoutingKey, process.GetTagItem("messaging.rabbitmq.destination.routing_key"));
        Assert.Equal((long)deliveryTag, process.GetTagItem("messaging.rabbitmq.message.delivery_tag"));
        Assert.Equal("m-1", process.GetTagItem("messaging.message.id"));
        Assert.Equal("c-1", process.GetTagItem("messaging.message.conversation_id"));
        Assert.Null(process.GetTagItem("messaging.consumer.group.name"));
    }

    [Fact]
    public async Task A_span_that_ended_around_the_channels_creation_does_not_parent_the_process_span()
    {
        // RabbitMQ.Client starts a channel's consumer dispatcher when the channel is created, so the dispatcher keeps
        // the Activity.Current of that moment — here a span that ended long before the message arrives.
        using var collector = new SpanCollector();
        RabbitMqTestQueue queue;
        using (collector.StartRootSpan("startup"))
        {
            queue = await RabbitMqTestQueue.CreateAsync(broker);
        }

        await using (queue)
        {
            var handled = NewSignal<bool>();
            await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (_, _) =>
            {
                handled.TrySetResult(true);
                return Task.CompletedTask;
            });

            await PublishInRequestAsync(collector, queue);

            await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
            await TraceAssert.ShapeAsync(collector, $"""
                request (internal)
                └── publish {queue.Destination} (producer)
                    └┄┄ process {queue.ProcessDestination} (consumer)
                startup (internal)
                """, spanCount: 4, RabbitMqTestQueue.Timeout);
        }
    }

    [Theory]
    [InlineData(MessageRelationship.ChildOf, "└── process {0} (consumer)")]
    [InlineData(MessageRelationship.NewTrace, "└┄┄ process {0} (consumer) [new trace]")]
    public async Task The_consumers_relationship_decides_the_shape(MessageRelationship relationship, string processLine)
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<bool>();
        var consumer = new TracedAsyncEventingBasicConsumer(queue.Consumer, MessagingTracer.Default, queue.Name, options: new RabbitMqTracingOptions { Relationship = relationship });
        consumer.ReceivedAsync += (_, _) =>
        {
            handled.TrySetResult(true);
            return Task.CompletedTask;
        };
        await queue.Consumer.BasicConsumeAsync(queue.Name, autoAck: true, consumer);

        await PublishInRequestAsync(collector, queue);

        await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── publish {queue.Destination} (producer)
                {string.Format(CultureInfo.InvariantCulture, processLine, queue.ProcessDestination)}
            """, spanCount: 3, RabbitMqTestQueue.Timeout);
    }

    [Fact]
    public async Task A_single_message_can_override_the_relationship()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var options = new RabbitMqTracingOptions { Relationship = MessageRelationship.NewTrace };
        var handled = NewSignal<bool>();
        var consumer = new AsyncEventingBasicConsumer(queue.Consumer);
        consumer.ReceivedAsync += (_, delivery) => delivery.ProcessTracedAsync(
            MessagingTracer.Default,
            queue.Name,
            (_, _) =>
            {
                handled.TrySetResult(true);
                return Task.CompletedTask;
            },
            MessageRelationship.ChildOf,
            options: options);
        await queue.Consumer.BasicConsumeAsync(queue.Name, autoAck: true, consumer);

        await PublishInRequestAsync(collector, queue);

        await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── publish {queue.Destination} (producer)
                └── process {queue.ProcessDestination} (consumer)
            """, spanCount: 3, RabbitMqTestQueue.Timeout);
    }

    [Fact]
    public async Task Baggage_travels_with_the_message_and_the_consumers_is_restored()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<(IReadOnlyDictionary<string, string> InHandler, IReadOnlyDictionary<string, string> After)>();
        var consumer = new AsyncEventingBasicConsumer(queue.Consumer);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["consumer"] = "loop" });
            IReadOnlyDictionary<string, string>? inHandler = null;
            await delivery.ProcessTracedAsync(MessagingTracer.Default, queue.Name, (_, _) =>
            {
                inHandler = Baggage.Current.GetBaggage();
                return Task.CompletedTask;
            });
            handled.TrySetResult((inHandler!, Baggage.Current.GetBaggage()));
        };
        await queue.Consumer.BasicConsumeAsync(queue.Name, autoAck: true, consumer);
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme", ["user"] = "ada lovelace" });

        await queue.PublishTracedAsync();

        (IReadOnlyDictionary<string, string> inHandler, IReadOnlyDictionary<string, string> after) = await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        Assert.Equal(new Dictionary<string, string> { ["tenant"] = "acme", ["user"] = "ada lovelace" }, inHandler);
        Assert.Equal(new Dictionary<string, string> { ["consumer"] = "loop" }, after);
    }

    [Theory]
    [InlineData("string")]
    [InlineData("bytes")]
    public async Task A_traceparent_published_as_string_or_bytes_continues_the_trace(string form)
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<(Activity? Current, object? Header)>();
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (delivery, _) =>
        {
            handled.TrySetResult((Activity.Current, delivery.BasicProperties.Headers!["traceparent"]));
            return Task.CompletedTask;
        });
        Activity upstream = collector.StartRootSpan("upstream");
        upstream.Stop();
        string traceParent = TraceParentCodec.Format(upstream.Context);
        var headers = new Dictionary<string, object?>
        {
            ["traceparent"] = form == "string" ? traceParent : Encoding.ASCII.GetBytes(traceParent),
            ["tracestate"] = form == "string" ? "vendor=abc" : "vendor=abc"u8.ToArray(),
        };

        await queue.PublishRawAsync(new BasicProperties { Headers = headers }, "v"u8.ToArray());

        (Activity? inHandler, object? received) = await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        Assert.Equal(traceParent, Encoding.ASCII.GetString(Assert.IsType<byte[]>(received)));
        Assert.NotNull(inHandler);
        Assert.Equal(upstream.TraceId, inHandler!.TraceId);
        Assert.Equal(upstream.SpanId, inHandler.ParentSpanId);
        Assert.Equal("vendor=abc", inHandler.TraceStateString);
    }

    [Trait(LocalTools.Trait, LocalTools.Value)]
    [Theory]
    [InlineData(MessageRelationship.FollowsFrom, "└┄┄ process {0} (consumer)")]
    [InlineData(MessageRelationship.ChildOf, "└── process {0} (consumer)")]
    [InlineData(MessageRelationship.NewTrace, "└┄┄ process {0} (consumer) [new trace]")]
    public async Task A_foreign_producers_byte_array_headers_continue_the_trace_and_restore_the_baggage(MessageRelationship relationship, string processLine)
    {
        // Python's pika sends bytes as AMQP byte arrays (field type 'x'), which RabbitMQ.Client surfaces as BinaryTableValue.
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<(Activity? Current, object? Header, IReadOnlyDictionary<string, string> Baggage, string Body)>();
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (delivery, _) =>
        {
            handled.TrySetResult((Activity.Current, delivery.BasicProperties.Headers!["traceparent"], Baggage.Current.GetBaggage(), Encoding.UTF8.GetString(delivery.Body.Span)));
            return Task.CompletedTask;
        }, options: new RabbitMqTracingOptions { Relationship = relationship });
        Activity upstream = collector.StartRootSpan("upstream");
        upstream.Stop();

        await PikaPublisher.PublishAsync(broker, queue.Exchange, RabbitMqTestQueue.RoutingKey, "{\"order\":1}", new Dictionary<string, string>
        {
            ["traceparent"] = TraceParentCodec.Format(upstream.Context),
            ["tracestate"] = "vendor=abc",
            ["baggage"] = "tenant=acme,user=ada%20lovelace",
        });

        (Activity? inHandler, object? header, IReadOnlyDictionary<string, string> baggage, string body) = await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        Assert.IsType<BinaryTableValue>(header);
        Assert.Equal("{\"order\":1}", body);
        await TraceAssert.ShapeAsync(collector, $"""
            upstream (internal)
            {string.Format(CultureInfo.InvariantCulture, processLine, queue.ProcessDestination)}
            """, spanCount: 2, RabbitMqTestQueue.Timeout);
        Assert.Same(collector.Spans.Single(s => s.Kind == ActivityKind.Consumer), inHandler);
        Assert.Equal(relationship != MessageRelationship.NewTrace ? "vendor=abc" : null, inHandler!.TraceStateString);
        Assert.Equal(new Dictionary<string, string> { ["tenant"] = "acme", ["user"] = "ada lovelace" }, baggage);
    }

    [Theory]
    [InlineData("int")]
    [InlineData("long")]
    [InlineData("bool")]
    [InlineData("double")]
    [InlineData("decimal")]
    [InlineData("timestamp")]
    [InlineData("list")]
    [InlineData("table")]
    [InlineData("null")]
    [InlineData("10,000 characters")]
    [InlineData("garbage")]
    public async Task A_foreign_traceparent_starts_a_new_trace_and_the_message_is_processed_unchanged(string type)
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<byte[]>();
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (delivery, _) =>
        {
            handled.TrySetResult(delivery.Body.ToArray());
            return Task.CompletedTask;
        });
        byte[] body = new byte[256];
        for (int i = 0; i < body.Length; i++)
        {
            body[i] = (byte)(255 - i);
        }

        object? value = type switch
        {
            "10,000 characters" => "00-" + new string('a', 9_997),
            "garbage" => "garbage"u8.ToArray(),
            _ => RabbitMqHeadersCarrierAdapterTests.ForeignValue(type),
        };
        await queue.PublishRawAsync(new BasicProperties { Headers = new Dictionary<string, object?> { ["traceparent"] = value } }, body);

        Assert.Equal(body, await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout));
        Activity process = Assert.Single(await collector.WaitForSpansAsync(1, RabbitMqTestQueue.Timeout));
        Assert.Equal(default, process.ParentSpanId);
        Assert.Empty(process.Links);
    }

    [Fact]
    public async Task A_handler_exception_is_recorded_and_rethrown_and_the_context_restored()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<(Exception? Thrown, Activity? Loop, Activity? After)>();
        var consumer = new AsyncEventingBasicConsumer(queue.Consumer);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            using Activity loop = collector.StartRootSpan("consumer loop");
            Exception? thrown = null;
            try
            {
                await delivery.ProcessTracedAsync(MessagingTracer.Default, queue.Name, (_, _) => throw new InvalidOperationException("handler failed"));
            }
            catch (InvalidOperationException ex)
            {
                thrown = ex;
            }

            handled.TrySetResult((thrown, loop, Activity.Current));
        };
        await queue.Consumer.BasicConsumeAsync(queue.Name, autoAck: true, consumer);

        await PublishInRequestAsync(collector, queue);

        (Exception? thrown, Activity? loop, Activity? after) = await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        Assert.Equal("handler failed", thrown?.Message);
        Assert.Same(loop, after);
        await TraceAssert.ShapeAsync(collector, $"""
            consumer loop (internal)
            └── process {queue.ProcessDestination} (consumer) ✗ System.InvalidOperationException
            request (internal)
            └── publish {queue.Destination} (producer)
            """, spanCount: 4, RabbitMqTestQueue.Timeout);
        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Single(process.Links);
        Assert.Equal("exception", Assert.Single(process.Events).Name);
    }

    [Fact]
    public async Task The_traced_consumer_rethrows_a_handler_exception_to_RabbitMQ_Client()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var reported = NewSignal<Exception>();
        queue.Consumer.CallbackExceptionAsync += (_, args) =>
        {
            reported.TrySetResult(args.Exception);
            return Task.CompletedTask;
        };
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (_, _) => throw new InvalidOperationException("handler failed"));

        await PublishInRequestAsync(collector, queue);

        Exception exception = await reported.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        Assert.Equal("handler failed", Assert.IsType<InvalidOperationException>(exception).Message);
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── publish {queue.Destination} (producer)
                └┄┄ process {queue.ProcessDestination} (consumer) ✗ System.InvalidOperationException
            """, spanCount: 3, RabbitMqTestQueue.Timeout);
    }

    [Fact]
    public async Task An_unsampled_producer_stays_unsampled_through_the_consumer()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<(Activity? Current, byte[] TraceParent)>();
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (delivery, _) =>
        {
            handled.TrySetResult((Activity.Current, (byte[])delivery.BasicProperties.Headers!["traceparent"]!));
            return Task.CompletedTask;
        });
        using (new Activity("upstream").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None).Start())
        {
            await queue.PublishTracedAsync();
        }

        (Activity? inHandler, byte[] traceParent) = await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        Assert.NotNull(inHandler);
        Assert.False(inHandler!.Recorded);
        Assert.EndsWith("-00", Encoding.ASCII.GetString(traceParent), StringComparison.Ordinal);
        Assert.Empty(collector.Spans);
    }

    [Fact]
    public async Task Processing_never_acknowledges_for_the_application()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<bool>();
        string consumerTag = await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: false, (_, _) =>
        {
            handled.TrySetResult(true);
            return Task.CompletedTask;
        });

        await queue.PublishTracedAsync();
        await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        await collector.WaitForSpansAsync(2, RabbitMqTestQueue.Timeout);
        await queue.Consumer.BasicCancelAsync(consumerTag);

        // Cancelling a consumer does not requeue its unacknowledged messages; closing the channel does.
        await queue.Consumer.CloseAsync();
        await using IChannel inspector = await broker.CreateChannelAsync();
        await Wait.UntilAsync(async () => await inspector.MessageCountAsync(queue.Name) == 1, RabbitMqTestQueue.Timeout, "the unacknowledged message back in the queue");
        await inspector.QueueDeleteAsync(queue.Name);
    }

    [Fact]
    public async Task Plain_consuming_is_untouched_and_the_context_can_be_extracted()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        await queue.PublishTracedAsync();

        BasicGetResult received = await queue.GetAsync();

        Activity publish = Assert.Single(collector.Spans);
        Assert.Equal(publish.Context.SpanId, received.BasicProperties.ExtractTraceContext(MessagingTracer.Default).ActivityContext.SpanId);
        Assert.Equal(default, new BasicProperties().ExtractTraceContext(MessagingTracer.Default));
    }

    [Fact]
    public async Task A_filtered_queue_runs_the_handler_without_span_or_context()
    {
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var handled = NewSignal<Activity?>();
        var options = new RabbitMqTracingOptions { QueueFilter = name => name != queue.Name };
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (_, _) =>
        {
            handled.TrySetResult(Activity.Current);
            return Task.CompletedTask;
        }, options: options);

        await PublishInRequestAsync(collector, queue);

        Assert.Null(await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout));
        Assert.Single(collector.Spans, s => s.Kind == ActivityKind.Producer);
        Assert.DoesNotContain(collector.Spans, s => s.Kind == ActivityKind.Consumer);
    }

    private static async Task PublishInRequestAsync(SpanCollector collector, RabbitMqTestQueue queue, BasicProperties? properties = null)
    {
        using (collector.StartRootSpan("request"))
        {
            await queue.PublishTracedAsync(properties);
        }
    }

    private static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
