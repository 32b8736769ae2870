using System;
using System.Collections.Generic;
using System.Diagnostics;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Xunit;

namespace Messaging.Tracing.Tests.Propagation;

[Collection(GlobalStateCollection.Name)]
public sealed class ConfiguredPropagatorTests : IDisposable
{
    private readonly TextMapPropagator _previous = Propagators.DefaultTextMapPropagator;

    private static readonly ActivityContext Context = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

    private static readonly Baggage SomeBaggage = Baggage.Create(new Dictionary<string, string> { ["user"] = "a b" });

    public void Dispose() => Sdk.SetDefaultTextMapPropagator(_previous);

    [Fact]
    public void An_application_propagator_is_honoured_and_replaces_stale_headers()
    {
        Sdk.SetDefaultTextMapPropagator(new IdHeaderPropagator());
        var carrier = new Dictionary<string, string> { ["traceparent"] = "stale", ["x-trace-id"] = "stale" };

        MessagePropagator.Default.Inject(carrier, StringDictionaryCarrierAdapter.Instance, Context, default);
        ActivityContext extracted = MessagePropagator.Default.Extract(carrier, StringDictionaryCarrierAdapter.Instance).ActivityContext;

        Assert.Equal(new Dictionary<string, string> { ["x-trace-id"] = Context.TraceId.ToHexString(), ["x-span-id"] = Context.SpanId.ToHexString() }, carrier);
        Assert.Equal(Context.TraceId, extracted.TraceId);
        Assert.Equal(Context.SpanId, extracted.SpanId);
    }

    [Fact]
    public void The_SDK_default_W3C_propagator_keeps_the_built_in_path()
    {
        Sdk.SetDefaultTextMapPropagator(new CompositeTextMapPropagator([new TraceContextPropagator(), new BaggagePropagator()]));
        var carrier = new Dictionary<string, string>();

        MessagePropagator.Default.Inject(carrier, StringDictionaryCarrierAdapter.Instance, Context, SomeBaggage);

        // OpenTelemetry's BaggagePropagator would write "a+b"; the built-in codec writes RFC 3986 "%20".
        Assert.Equal("user=a%20b", carrier["baggage"]);
        Assert.Equal(TraceParentCodec.Format(Context), carrier["traceparent"]);
    }

    [Fact]
    public void With_the_SDK_default_W3C_propagator_the_next_hop_carries_the_random_flag_trace_state_and_baggage_properties()
    {
        Sdk.SetDefaultTextMapPropagator(new CompositeTextMapPropagator([new TraceContextPropagator(), new BaggagePropagator()]));
        using var collector = new SpanCollector();
        var tracer = new MessagingTracer(new MessagingTracingOptions());
        var incoming = new Dictionary<string, string>(NextHopHeaders.Headers);
        var next = new Dictionary<string, string>();
        var operation = new MessagingOperation("test", MessagingOperationType.Process, "process", "orders");

        using (tracer.StartProcess(tracer.Extract(incoming, StringDictionaryCarrierAdapter.Instance), operation))
        using (Activity? send = tracer.StartProducer(new MessagingOperation("test", MessagingOperationType.Send, "send", "shipments")))
        {
            tracer.Inject(send, next, StringDictionaryCarrierAdapter.Instance);
        }

        Activity sender = Assert.Single(collector.Spans, s => s.Kind == ActivityKind.Producer);
        NextHopHeaders.EnsureCarried(next["traceparent"], next.GetValueOrDefault("tracestate"), next.GetValueOrDefault("baggage"), sender);
    }

    [Fact]
    public void Received_baggage_properties_are_carried_on_the_W3C_path_not_through_an_application_propagator()
    {
        Baggage received = BaggageCodec.Parse("user=alice;role=admin".AsSpan());
        var w3c = new Dictionary<string, string>();
        var custom = new Dictionary<string, string>();

        Sdk.SetDefaultTextMapPropagator(new CompositeTextMapPropagator([new TraceContextPropagator(), new BaggagePropagator()]));
        MessagePropagator.Default.Inject(w3c, StringDictionaryCarrierAdapter.Instance, Context, received);

        // An application's composite that is not W3C alone (B3 and OpenTelemetry's BaggagePropagator, say) writes what it
        // writes: OpenTelemetry's baggage has no properties.
        Sdk.SetDefaultTextMapPropagator(new CompositeTextMapPropagator([new IdHeaderPropagator(), new BaggagePropagator()]));
        MessagePropagator.Default.Inject(custom, StringDictionaryCarrierAdapter.Instance, Context, received);

        Assert.Equal("user=alice;role=admin", w3c["baggage"]);
        Assert.Equal("user=alice", custom["baggage"]);
    }

    [Fact]
    public void Switching_the_propagator_takes_effect_at_once()
    {
        var carrier = new Dictionary<string, string>();
        Sdk.SetDefaultTextMapPropagator(new IdHeaderPropagator());
        MessagePropagator.Default.Inject(carrier, StringDictionaryCarrierAdapter.Instance, Context, default);
        Sdk.SetDefaultTextMapPropagator(_previous);

        MessagePropagator.Default.Inject(carrier, StringDictionaryCarrierAdapter.Instance, Context, default);

        Assert.True(carrier.ContainsKey("traceparent"));
    }

    /// <summary>A non-W3C propagator with two headers, like B3 multi-header.</summary>
    private sealed class IdHeaderPropagator : TextMapPropagator
    {
        public override ISet<string> Fields { get; } = new HashSet<string> { "x-trace-id", "x-span-id" };

        public override void Inject<T>(PropagationContext context, T carrier, Action<T, string, string> setter)
        {
            setter(carrier, "x-trace-id", context.ActivityContext.TraceId.ToHexString());
            setter(carrier, "x-span-id", context.ActivityContext.SpanId.ToHexString());
        }

        public override PropagationContext Extract<T>(PropagationContext context, T carrier, Func<T, string, IEnumerable<string>?> getter)
        {
            IEnumerable<string>? traceId = getter(carrier, "x-trace-id");
            IEnumerable<string>? spanId = getter(carrier, "x-span-id");
            if (traceId is null || spanId is null)
            {
                return context;
            }

            return new PropagationContext(
                new ActivityContext(
                    ActivityTraceId.CreateFromString(string.Concat(traceId)),
                    ActivitySpanId.CreateFromString(string.Concat(spanId)),
                    ActivityTraceFlags.Recorded,
                    isRemote: true),
                context.Baggage);
        }
    }
}
