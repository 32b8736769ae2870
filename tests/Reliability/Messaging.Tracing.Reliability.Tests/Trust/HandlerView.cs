using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Messaging.Tracing.Propagation;
using Xunit;

namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>What a handler saw while it ran: its span (Activity.Current), the span's links, and Baggage.Current.</summary>
public sealed class HandlerView
{
    private HandlerView(Activity span, ActivityContext sent)
    {
        TraceId = span.TraceId;
        ParentSpanId = span.ParentSpanId;
        Links = span.Links.ToArray();
        Baggage = OpenTelemetry.Baggage.Current.GetBaggage().ToDictionary(StringComparer.Ordinal);
        Sent = sent;
    }

    public ActivityTraceId TraceId { get; }

    public ActivitySpanId ParentSpanId { get; }

    public IReadOnlyList<ActivityLink> Links { get; }

    public IReadOnlyDictionary<string, string> Baggage { get; }

    /// <summary>Gets the context the message carried on the wire (its raw <c>traceparent</c>).</summary>
    public ActivityContext Sent { get; }

    /// <summary>Captures the handler's view; <paramref name="rawTraceParent"/> is the header as the transport delivered it.</summary>
    public static HandlerView Capture(string? rawTraceParent)
    {
        Activity span = Activity.Current ?? throw new InvalidOperationException("The handler ran without a span.");
        Assert.True(TraceParentCodec.TryParse(rawTraceParent.AsSpan(), out ActivityContext sent), $"no valid traceparent on the wire: '{rawTraceParent}'");
        return new HandlerView(span, sent);
    }

    /// <summary>The trusted view: the handler continues the sender's trace, as a child of the sent span, with its baggage.</summary>
    public void AssertContinued(IReadOnlyDictionary<string, string> sentBaggage)
    {
        Assert.Equal(Sent.TraceId, TraceId);
        Assert.Equal(Sent.SpanId, ParentSpanId);
        Assert.Equal(sentBaggage.OrderBy(b => b.Key, StringComparer.Ordinal), Baggage.OrderBy(b => b.Key, StringComparer.Ordinal));
    }

    /// <summary>
    /// The untrusted view: a new root in a new trace, linked (follows_from) to the sent span or not linked at all, and
    /// no baggage of the sender's.
    /// </summary>
    public void AssertNewRoot(bool linked)
    {
        Assert.Equal(default, ParentSpanId);
        Assert.NotEqual(Sent.TraceId, TraceId);
        if (linked)
        {
            ActivityLink link = Assert.Single(Links);
            Assert.Equal(Sent.TraceId, link.Context.TraceId);
            Assert.Equal(Sent.SpanId, link.Context.SpanId);
            Assert.Contains(link.Tags ?? [], tag => tag.Key == "opentracing.ref_type" && Equals(tag.Value, "follows_from"));
        }
        else
        {
            Assert.Empty(Links);
        }

        Assert.Empty(Baggage);
    }
}
