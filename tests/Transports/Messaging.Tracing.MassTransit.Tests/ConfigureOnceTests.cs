using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using RabbitMQ.Client;
using Xunit;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>
/// What the README's MassTransit section tells an application to type — <c>x.AddMessagingTracing(...)</c> once, with a
/// baggage deny list and an enrichment callback, and <c>cfg.UseMessagingTracing(context)</c> — reaches the wire (read by a
/// plain RabbitMQ.Client consumer of the message's exchange) and the process span, whether this library's spans replace
/// MassTransit's or MassTransit's own source is listened and its spans are bridged.
/// </summary>
[Collection(RabbitMqBroker.CollectionName)]
public class ConfigureOnceTests(RabbitMqBroker broker)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Options_registered_once_reach_the_wire_and_the_process_span(bool massTransitSourceListened)
    {
        using var collector = massTransitSourceListened ? new SpanCollector("MassTransit") : new SpanCollector();
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker, new BusSetup
        {
            // As in the README: x.AddMessagingTracing(...) once; TestBus then calls cfg.UseMessagingTracing(context).
            Tracing = o =>
            {
                o.OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email");
                o.EnrichProcessSpan = (span, message) =>
                {
                    if (message is ConsumeContext context && context.TryGetMessage(out ConsumeContext<OrderPlaced>? order))
                    {
                        span.SetTag("app.order_id", order.Message.OrderId);
                    }
                };
            },
        });
        string plainQueue = broker.UniqueName("configure-once.plain");
        await using (IChannel channel = await broker.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(plainQueue, durable: false, exclusive: false, autoDelete: true);
            await channel.QueueBindAsync(plainQueue, bus.ExchangeOf<OrderPlaced>(), string.Empty);
        }

        using (collector.StartRootSpan("request"))
        {
            Baggage previous = Baggage.Current;
            Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["user.email"] = "alice@example.com", ["tenant"] = "t1" });
            try
            {
                await bus.Bus.Publish(new OrderPlaced("order-1"));
            }
            finally
            {
                Baggage.Current = previous;
            }
        }

        // The raw wire, read by a plain RabbitMQ.Client consumer of the exchange.
        BasicGetResult raw = await RawRabbitMq.GetAsync(broker, plainQueue, TestBus.Timeout);
        Assert.Equal("tenant=t1", RawRabbitMq.Header(raw, "baggage"));

        HandlerCall call = Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        Assert.Equal("t1", call.Baggage["tenant"]);
        Assert.False(call.Baggage.ContainsKey("user.email"));
        string queue = bus.EndpointOf<OrderPlacedConsumer>();
        IReadOnlyList<Activity> spans = await collector.WaitForAsync(s => s.Any(a => a.DisplayName == $"process {queue}" && a.IsStopped), TestBus.Timeout);
        Activity process = Assert.Single(spans, s => s.DisplayName == $"process {queue}");
        Assert.Same(process, call.Activity);
        Assert.Equal(massTransitSourceListened ? "MassTransit" : "Messaging.Tracing", process.Source.Name);
        Assert.Equal("order-1", process.GetTagItem("app.order_id"));
    }

    [Fact]
    public async Task A_bus_traced_from_the_container_without_AddMessagingTracing_fails_to_start_and_says_what_to_add()
    {
        var services = new ServiceCollection();
        services.AddMassTransit(x => x.UsingInMemory((context, cfg) =>
        {
            cfg.UseMessagingTracing(context);
            cfg.ConfigureEndpoints(context);
        }));
        await using ServiceProvider provider = services.BuildServiceProvider();

        Exception failure = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<IBusControl>());

        InvalidOperationException cause = Assert.IsType<InvalidOperationException>(failure.GetBaseException());
        Assert.Contains("x.AddMessagingTracing(", cause.Message, StringComparison.Ordinal);
    }
}
