using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using Xunit;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>End to end on MassTransit's in-memory transport (the sample's embedded default).</summary>
public class MassTransitInMemoryTests
{
    [Fact]
    public async Task A_published_event_is_processed_following_from_its_producer()
    {
        using var collector = new SpanCollector();
        await using TestBus bus = await TestBus.StartInMemoryAsync();

        using (collector.StartRootSpan("request"))
        {
            await bus.Bus.Publish(new OrderPlaced("o-1"));
        }

        HandlerCall call = Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── publish urn:message:Messaging.Tracing.MassTransit.Tests:OrderPlaced (producer)
                └┄┄ process {bus.EndpointOf<OrderPlacedConsumer>()} (consumer)
            """, spanCount: 3, TestBus.Timeout);
        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Same(process, call.Activity);
        Assert.Equal("in_memory", process.GetTagItem("messaging.system"));
    }

    [Fact]
    public async Task A_relationship_selector_that_throws_leaves_the_message_traced_with_the_default_relationship()
    {
        using var collector = new SpanCollector();
        await using TestBus bus = await TestBus.StartInMemoryAsync(new BusSetup
        {
            Options = o => o.RelationshipSelector = _ => throw new InvalidOperationException("selector fault"),
        });

        using (collector.StartRootSpan("request"))
        {
            await bus.Bus.Publish(new OrderPlaced("o-selector"));
        }

        HandlerCall call = Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── publish urn:message:Messaging.Tracing.MassTransit.Tests:OrderPlaced (producer)
                └┄┄ process {bus.EndpointOf<OrderPlacedConsumer>()} (consumer)
            """, spanCount: 3, TestBus.Timeout);
        Assert.Same(collector.Spans.Single(s => s.Kind == ActivityKind.Consumer), call.Activity);
    }

    [Fact]
    public async Task A_sent_command_carries_baggage_and_restores_the_consumers_context()
    {
        using var collector = new SpanCollector();
        await using TestBus bus = await TestBus.StartInMemoryAsync();
        ISendEndpoint endpoint = await bus.GetEndpointAsync<ShipOrderConsumer>();
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });

        using (collector.StartRootSpan("request"))
        {
            await endpoint.Send(new ShipOrder("o-2"));
        }

        HandlerCall call = Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        Assert.Equal("acme", call.Baggage["tenant"]);
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── send {bus.EndpointOf<ShipOrderConsumer>()} (producer)
                └┄┄ process {bus.EndpointOf<ShipOrderConsumer>()} (consumer)
            """, spanCount: 3, TestBus.Timeout);
    }

    [Fact]
    public async Task Request_and_response_are_ChildOf()
    {
        using var collector = new SpanCollector();
        await using TestBus bus = await TestBus.StartInMemoryAsync();
        IRequestClient<CheckStock> client = bus.Bus.CreateRequestClient<CheckStock>(bus.AddressOf<CheckStockConsumer>());

        using (collector.StartRootSpan("request"))
        {
            Response<StockLevel> response = await client.GetResponse<StockLevel>(new CheckStock("sku-1"));
            Assert.Equal(7, response.Message.Available);
        }

        IReadOnlyList<Activity> spans = await collector.WaitForSpansAsync(5, TestBus.Timeout);
        Activity request = spans.Single(s => s.DisplayName == "request");
        Activity process = spans.Single(s => s.DisplayName == $"process {bus.EndpointOf<CheckStockConsumer>()}");
        Assert.Equal(request.TraceId, process.TraceId);
        Assert.Empty(process.Links);
        Assert.All(spans.Where(s => s.Kind == ActivityKind.Consumer), s => Assert.Empty(s.Links));
        Assert.Equal(2, spans.Count(s => s.Kind == ActivityKind.Producer));
    }

    [Fact]
    public async Task A_relationship_selector_chooses_per_message()
    {
        using var collector = new SpanCollector();
        await using TestBus bus = await TestBus.StartInMemoryAsync(new BusSetup
        {
            Options = o => o.RelationshipSelector = context => context.ReceiveContext.InputAddress.AbsolutePath.EndsWith(nameof(OrderPlacedConsumer), StringComparison.Ordinal)
                ? MessageRelationship.NewTrace
                : null,
        });

        using (collector.StartRootSpan("request"))
        {
            await bus.Bus.Publish(new OrderPlaced("o-3"));
        }

        await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout);
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── publish urn:message:Messaging.Tracing.MassTransit.Tests:OrderPlaced (producer)
                └┄┄ process {bus.EndpointOf<OrderPlacedConsumer>()} (consumer) [new trace]
            """, spanCount: 3, TestBus.Timeout);
    }
}
