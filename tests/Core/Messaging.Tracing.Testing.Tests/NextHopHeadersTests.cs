using System.Diagnostics;
using Xunit;

namespace Messaging.Tracing.Testing.Tests;

public class NextHopHeadersTests
{
    private const string Carried = "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-03";

    [Theory]
    [InlineData(Carried, NextHopHeaders.TraceState, NextHopHeaders.Baggage)]
    [InlineData(Carried, NextHopHeaders.TraceState, "region=eu%20west,tenant=t1;ttl=30;sensitive")]
    public void Headers_carried_with_a_new_parent_id_pass(string traceParent, string traceState, string baggage)
        => NextHopHeaders.EnsureCarried(traceParent, traceState, baggage, sender: null);

    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01", NextHopHeaders.TraceState, NextHopHeaders.Baggage)]
    [InlineData(NextHopHeaders.TraceParent, NextHopHeaders.TraceState, NextHopHeaders.Baggage)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03", NextHopHeaders.TraceState, NextHopHeaders.Baggage)]
    [InlineData(null, NextHopHeaders.TraceState, NextHopHeaders.Baggage)]
    [InlineData(Carried, null, NextHopHeaders.Baggage)]
    [InlineData(Carried, "1abc=t61rcWkgMzE", NextHopHeaders.Baggage)]
    [InlineData(Carried, NextHopHeaders.TraceState, "tenant=t1,region=eu%20west")]
    [InlineData(Carried, NextHopHeaders.TraceState, "tenant=t1;ttl=30,region=eu%20west")]
    [InlineData(Carried, NextHopHeaders.TraceState, null)]
    public void A_lost_flag_parent_id_trace_state_or_property_fails_showing_both(string? traceParent, string? traceState, string? baggage)
    {
        TraceShapeException failure = Assert.Throws<TraceShapeException>(() => NextHopHeaders.EnsureCarried(traceParent, traceState, baggage, sender: null));

        Assert.Contains("tracestate: " + NextHopHeaders.TraceState, failure.Expected);
        Assert.Contains("baggage: " + (baggage ?? "(absent)"), failure.Actual);
    }

    [Fact]
    public void The_parent_id_must_be_the_senders_when_one_is_given()
    {
        using var sender = new Activity("send");
        sender.SetIdFormat(ActivityIdFormat.W3C);
        sender.Start();

        Assert.Throws<TraceShapeException>(() => NextHopHeaders.EnsureCarried(Carried, NextHopHeaders.TraceState, NextHopHeaders.Baggage, sender));
        NextHopHeaders.EnsureCarried(
            $"00-{NextHopHeaders.TraceId}-{sender.SpanId.ToHexString()}-03", NextHopHeaders.TraceState, NextHopHeaders.Baggage, sender);
    }
}
