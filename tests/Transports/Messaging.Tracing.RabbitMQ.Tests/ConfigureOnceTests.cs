using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Xunit;

namespace Messaging.Tracing.RabbitMQ.Tests;

/// <summary>
/// What the README's RabbitMQ.Client section tells an application to type — register once, with a baggage deny list and an
/// enrichment callback, and pass the injected tracer (or, without dependency injection, the one made by hand) right after
/// the channel — reaches the wire (read with a plain <c>BasicGetAsync</c>) and the process span.
/// </summary>
[Collection(RabbitMqBroker.CollectionName)]
public class ConfigureOnceTests(RabbitMqBroker broker)
{
    [Fact]
    public async Task Options_registered_once_apply_to_the_injected_tracer()
    {
        // As in the README: register once; the classes that publish and consume get the tracer injected.
        var services = new ServiceCollection();
        services.AddMessagingTracing(o =>
        {
            o.OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email");
            o.EnrichProcessSpan = (span, message) =>
            {
                if (message is BasicDeliverEventArgs delivery)
                {
                    span.SetTag("app.order_id", delivery.BasicProperties.MessageId);
                }
            };
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        await AssertConfiguredOnceAsync(provider.GetRequiredService<MessagingTracer>());
    }

    [Fact]
    public async Task Options_of_the_tracer_passed_by_hand_apply()
    {
        var tracer = new MessagingTracer(new MessagingTracingOptions
        {
            OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email"),
            EnrichProcessSpan = (span, message) =>
            {
                if (message is BasicDeliverEventArgs delivery)
                {
                    span.SetTag("app.order_id", delivery.BasicProperties.MessageId);
                }
            },
        });

        await AssertConfiguredOnceAsync(tracer);
    }

    private async Task AssertConfiguredOnceAsync(MessagingTracer tracer)
    {
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker, publisherConfirms: true);
        string plainQueue = broker.UniqueName("configure-once.plain");
        await queue.Consumer.QueueDeclareAsync(plainQueue, durable: false, exclusive: true, autoDelete: false);
        await queue.Consumer.QueueBindAsync(plainQueue, queue.Exchange, RabbitMqTestQueue.RoutingKey);
        var handled = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await queue.Consumer.BasicConsumeTracedAsync(tracer, queue.Name, autoAck: true, (_, _) =>
        {
            handled.TrySetResult(Baggage.GetBaggage("tenant"));
            return Task.CompletedTask;
        });

        using var collector = new SpanCollector();
        using (collector.StartRootSpan("request"))
        {
            Baggage previous = Baggage.Current;
            Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["user.email"] = "alice@example.com", ["tenant"] = "t1" });
            try
            {
                await queue.Publisher.BasicPublishTracedAsync(
                    tracer, queue.Exchange, RabbitMqTestQueue.RoutingKey, mandatory: true, new BasicProperties { MessageId = "order-1" }, "{}"u8.ToArray());
            }
            finally
            {
                Baggage.Current = previous;
            }
        }

        // The raw wire, read with basic.get from a second queue bound to the same exchange.
        BasicGetResult? raw = null;
        await Wait.UntilAsync(async () => (raw = await queue.Consumer.BasicGetAsync(plainQueue, autoAck: true)) is not null, RabbitMqTestQueue.Timeout, $"a message on {plainQueue}");
        object? baggage = raw!.BasicProperties.Headers?["baggage"];
        Assert.Equal("tenant=t1", Encoding.UTF8.GetString(Assert.IsType<byte[]>(baggage)));

        Assert.Equal("t1", await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout));
        IReadOnlyList<Activity> spans = await collector.WaitForAsync(s => s.Any(a => a.Kind == ActivityKind.Consumer), RabbitMqTestQueue.Timeout);
        Activity process = Assert.Single(spans, s => s.Kind == ActivityKind.Consumer);
        Assert.Equal($"process {queue.ProcessDestination}", process.DisplayName);
        Assert.Equal("order-1", process.GetTagItem("app.order_id"));
        await queue.Consumer.QueueDeleteAsync(plainQueue);
    }
}
