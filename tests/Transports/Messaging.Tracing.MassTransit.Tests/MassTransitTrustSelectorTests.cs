using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using Xunit;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary><see cref="MassTransitTracingOptions.TrustSelector"/>: trust decided per endpoint (or message), on the in-memory transport.</summary>
public class MassTransitTrustSelectorTests
{
    public static TheoryData<string, bool> Selectors => new()
    {
        { "untrust the ship-order endpoint", false },
        { "no answer: the tracer's setting", true },
        { "a selector that throws", false },
    };

    [Theory]
    [MemberData(nameof(Selectors))]
    public async Task The_selector_decides_whether_the_endpoint_continues_the_senders_trace_and_baggage(string selector, bool continued)
    {
        using var collector = new SpanCollector();
        Func<ConsumeContext, bool?> choose = selector switch
        {
            "untrust the ship-order endpoint" => c => c.ReceiveContext.InputAddress.AbsolutePath.EndsWith(nameof(ShipOrderConsumer), StringComparison.Ordinal) ? false : null,
            "no answer: the tracer's setting" => _ => null,
            _ => _ => throw new InvalidOperationException("selector fault"),
        };
        await using TestBus bus = await TestBus.StartInMemoryAsync(new BusSetup { Options = o => o.TrustSelector = choose });
        ISendEndpoint endpoint = await bus.GetEndpointAsync<ShipOrderConsumer>();
        Activity request;
        using (request = collector.StartRootSpan("request"))
        {
            Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });
            await endpoint.Send(new ShipOrder("o-1"));
            Baggage.Current = default;
        }

        HandlerCall call = Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        Assert.NotNull(call.Activity);
        Assert.Equal(continued, call.Activity.TraceId == request.TraceId);
        Assert.Equal(continued, call.Baggage.ContainsKey("tenant"));
        if (!continued)
        {
            // A new root, linked to the sender's span (LinkUntrustedContext is on by default).
            Assert.Equal(default, call.Activity.ParentSpanId);
            ActivityLink link = Assert.Single(call.Activity.Links);
            Assert.Equal(request.TraceId, link.Context.TraceId);
        }
    }
}
