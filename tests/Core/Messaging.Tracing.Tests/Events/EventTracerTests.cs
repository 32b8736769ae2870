using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Messaging.Tracing.Events;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using Xunit;

namespace Messaging.Tracing.Tests.Events;

public class EventTracerTests
{
    private readonly EventTracer _events = new(new MessagingTracer(new MessagingTracingOptions()));

    [Fact]
    public void Append_writes_the_append_span_baggage_correlation_and_causation()
    {
        using var collector = new SpanCollector();
        var metadata = new Dictionary<string, string> { ["app"] = "kept" };
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });

        using (AppendScope append = _events.StartAppend("band-42"))
        {
            _events.Write(metadata, append.Activity, correlationId: "req-1", causationId: "cmd-7");
            Assert.Equal(TraceParentCodec.Format(append.Activity!.Context), metadata["traceparent"]);
        }

        Assert.Equal("tenant=acme", metadata["baggage"]);
        Assert.Equal("req-1", metadata["correlation-id"]);
        Assert.Equal("cmd-7", metadata["causation-id"]);
        Assert.Equal("kept", metadata["app"]);
        Activity span = Assert.Single(collector.Spans);
        Assert.Equal("append band-42", span.DisplayName);
        Assert.Equal(ActivityKind.Producer, span.Kind);
        Assert.Equal("eventstore", span.GetTagItem("messaging.system"));
    }

    [Fact]
    public void Without_a_valid_context_nothing_is_stored_and_a_stale_context_is_removed()
    {
        Assert.Null(Activity.Current);
        var metadata = new Dictionary<string, string>
        {
            ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ["tracestate"] = "old=1",
            ["correlation-id"] = "req-1",
        };

        _events.Write(metadata, appendSpan: null, correlationId: null, causationId: "cmd-8");

        Assert.False(metadata.ContainsKey("traceparent"));
        Assert.False(metadata.ContainsKey("tracestate"));
        Assert.Equal("req-1", metadata["correlation-id"]);
        Assert.Equal(new EventCorrelation("req-1", "cmd-8"), EventTracer.ReadCorrelation(metadata));
    }

    [Fact]
    public void An_all_zero_span_can_never_be_written()
    {
        // ActivityContext refuses no ids, so the only way an all-zero context reaches Write is a default one.
        var metadata = new Dictionary<string, string>();

        new MessagePropagator().Inject(metadata, StringDictionaryCarrierAdapter.Instance, default, default);
        _events.Write(metadata);

        Assert.Empty(metadata);
    }

    [Fact]
    public void A_live_subscriber_follows_from_the_append_in_the_same_trace()
    {
        using var collector = new SpanCollector();
        Dictionary<string, string> metadata = Append(collector);

        using (ProcessScope scope = _events.StartHandling(metadata, "band-projection", EventDelivery.Live))
        {
            Assert.Same(scope.Activity, Activity.Current);
        }

        TraceAssert.Shape("""
            request (internal)
            └── append band-42 (producer)
                └┄┄ process band-projection (consumer)
            """, collector.Spans);
        Assert.Equal("req-1", collector.Spans.Single(s => s.Kind == ActivityKind.Consumer).GetTagItem("messaging.message.conversation_id"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(EventDelivery.Replay)]
    public void A_replay_starts_a_new_trace_linked_to_the_original_and_is_the_default(EventDelivery? delivery)
    {
        using var collector = new SpanCollector();
        Dictionary<string, string> metadata = Append(collector);

        using (delivery is null ? _events.StartHandling(metadata, "rebuild") : _events.StartHandling(metadata, "rebuild", delivery.Value))
        {
        }

        TraceAssert.Shape("""
            request (internal)
            └── append band-42 (producer)
                └┄┄ process rebuild (consumer) [new trace]
            """, collector.Spans);
    }

    [Theory]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")]
    [InlineData("not a traceparent")]
    public void A_stored_invalid_context_is_never_used(string storedTraceParent)
    {
        using var collector = new SpanCollector();
        var metadata = new Dictionary<string, string> { ["traceparent"] = storedTraceParent };

        using (_events.StartHandling(metadata, "projection", EventDelivery.Live))
        {
        }

        Activity process = Assert.Single(collector.Spans);
        Assert.Equal(default, process.ParentSpanId);
        Assert.Empty(process.Links);
    }

    [Fact]
    public void The_events_baggage_is_current_while_it_is_handled()
    {
        var metadata = new Dictionary<string, string> { ["baggage"] = "tenant=acme" };

        using (_events.StartHandling(metadata, "projection", EventDelivery.Live))
        {
            Assert.Equal("acme", Baggage.Current.GetBaggage("tenant"));
        }

        Assert.Null(Baggage.Current.GetBaggage("tenant"));
    }

    [Fact]
    public void Arguments_are_validated()
    {
        Assert.Throws<ArgumentNullException>(() => new EventTracer(null!));
        Assert.Throws<ArgumentException>(() => new EventTracer(MessagingTracer.Default, system: ""));
        Assert.Throws<ArgumentNullException>(() => _events.Write(null!));
        Assert.Throws<ArgumentException>(() => _events.StartHandling(new Dictionary<string, string>(), ""));
        Assert.Throws<ArgumentException>(() => _events.StartAppend(""));
        Assert.Throws<ArgumentOutOfRangeException>(() => _events.StartAppend("band-42", eventCount: 0));
    }

    private Dictionary<string, string> Append(SpanCollector collector)
    {
        var metadata = new Dictionary<string, string>();
        using (collector.StartRootSpan("request"))
        using (AppendScope append = _events.StartAppend("band-42"))
        {
            _events.Write(metadata, append.Activity, correlationId: "req-1", causationId: "cmd-1");
        }

        return metadata;
    }

    [Fact]
    public void A_live_handler_appending_on_carries_the_random_flag_trace_state_and_baggage_properties_into_the_new_metadata()
    {
        using var collector = new SpanCollector();
        var next = new Dictionary<string, string>();

        using (_events.StartHandling(NextHopHeaders.Headers, "shipping", EventDelivery.Live))
        using (AppendScope append = _events.StartAppend("shipment-1"))
        {
            _events.Write(next, append.Activity);
        }

        Activity sender = Assert.Single(collector.Spans, s => s.Kind == ActivityKind.Producer);
        NextHopHeaders.EnsureCarried(next["traceparent"], next.GetValueOrDefault("tracestate"), next.GetValueOrDefault("baggage"), sender);
    }
}
