using System;
using System.Collections.Generic;
using System.Diagnostics;
using Messaging.Tracing.Propagation;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Xunit;

namespace Messaging.Tracing.Tests.Propagation;

public class MessagePropagatorTests
{
    private const string TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static readonly MessagePropagator Propagator = MessagePropagator.Default;

    private static readonly ActivityContext Sampled = new(
        ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, "rojo=1,congo=2");

    private static readonly Baggage SomeBaggage = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme", ["user"] = "a b" });

    [Fact]
    public void Round_trips_on_a_text_carrier()
    {
        var carrier = new Dictionary<string, string>();

        Propagator.Inject(carrier, StringDictionaryCarrierAdapter.Instance, Sampled, SomeBaggage);
        PropagationContext extracted = Propagator.Extract(carrier, StringDictionaryCarrierAdapter.Instance);

        Assert.Equal(TraceParentCodec.Format(Sampled), carrier["traceparent"]);
        Assert.Equal("rojo=1,congo=2", carrier["tracestate"]);
        Assert.Equal("tenant=acme,user=a%20b", carrier["baggage"]);
        AssertSameContext(Sampled, extracted);
    }

    [Fact]
    public void Round_trips_on_a_byte_carrier()
    {
        var carrier = new HeaderList();

        Propagator.Inject(carrier, HeaderListAdapter.Instance, Sampled, SomeBaggage);
        PropagationContext extracted = Propagator.Extract(carrier, HeaderListAdapter.Instance);

        Assert.Equal([TraceParentCodec.Format(Sampled)], carrier.Values("traceparent"));
        AssertSameContext(Sampled, extracted);
    }

    [Fact]
    public void Injecting_twice_leaves_one_value_per_header_and_other_headers_untouched()
    {
        byte[] applicationValue = [0, 1, 2, 255];
        var carrier = new HeaderList { new("app", applicationValue) };

        Propagator.Inject(carrier, HeaderListAdapter.Instance, Sampled, SomeBaggage);
        var second = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        Propagator.Inject(carrier, HeaderListAdapter.Instance, second, SomeBaggage);

        Assert.Equal([TraceParentCodec.Format(second)], carrier.Values("traceparent"));
        Assert.Single(carrier.Values("baggage"));
        Assert.Same(applicationValue, Assert.Single(carrier, h => h.Key == "app").Value);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, applicationValue);
    }

    [Fact]
    public void Injecting_removes_stale_values_it_has_nothing_to_replace_with()
    {
        var carrier = new HeaderList { { "traceparent", TraceParent }, { "tracestate", "old=1" }, { "baggage", "old=1" } };
        var withoutState = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);

        Propagator.Inject(carrier, HeaderListAdapter.Instance, withoutState, default);

        Assert.Equal([TraceParentCodec.Format(withoutState)], carrier.Values("traceparent"));
        Assert.Empty(carrier.Values("tracestate"));
        Assert.Empty(carrier.Values("baggage"));
    }

    [Fact]
    public void Injecting_no_context_removes_the_trace_headers()
    {
        var carrier = new Dictionary<string, string> { ["traceparent"] = TraceParent, ["tracestate"] = "old=1", ["app"] = "x" };

        Propagator.Inject(carrier, StringDictionaryCarrierAdapter.Instance, default, default);

        Assert.Equal(["app"], carrier.Keys);
    }

    [Theory]
    [InlineData("Invalid Key=1", null)]
    [InlineData("Rojo=1,_x=2", null)]
    [InlineData("Rojo=1,rojo=2, congo=3 ,rojo=4", "rojo=2,congo=3")]
    [InlineData("foo@@bar=1,1abc=2", "foo@@bar=1,1abc=2")]
    public void Injecting_a_trace_state_sends_the_members_that_can_be_kept(string traceState, string? sent)
    {
        var context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, traceState);
        var carrier = new Dictionary<string, string> { ["tracestate"] = "stale=1" };

        Propagator.Inject(carrier, StringDictionaryCarrierAdapter.Instance, context, default);

        Assert.Equal(sent, carrier.GetValueOrDefault("tracestate"));
        Assert.True(carrier.ContainsKey("traceparent"));
    }

    [Theory]
    [InlineData(0x00, "00")]
    [InlineData(0x01, "01")]
    [InlineData(0x02, "02")]
    [InlineData(0x03, "03")]
    [InlineData(0xFF, "03")]
    public void The_sampled_and_random_flags_are_carried_faithfully(int flags, string sent)
    {
        var context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), (ActivityTraceFlags)flags);
        var carrier = new Dictionary<string, string>();

        Propagator.Inject(carrier, StringDictionaryCarrierAdapter.Instance, context, default);

        Assert.EndsWith("-" + sent, carrier["traceparent"], StringComparison.Ordinal);
        Assert.Equal(flags & 0x03, (int)Propagator.Extract(carrier, StringDictionaryCarrierAdapter.Instance).ActivityContext.TraceFlags);
    }

    [Theory]
    [InlineData(TraceParent, TraceParent)]                                        // identical copies
    [InlineData(TraceParent, "00-11111111111111111111111111111111-2222222222222222-01")]
    public void A_repeated_traceparent_gives_no_context(string first, string second)
    {
        var carrier = new HeaderList { { "traceparent", first }, { "traceparent", second }, { "baggage", "k=v" } };

        PropagationContext extracted = Propagator.Extract(carrier, HeaderListAdapter.Instance);

        Assert.Equal(default, extracted.ActivityContext);
        Assert.Equal("v", extracted.Baggage.GetBaggage("k"));
    }

    [Fact]
    public void Repeated_tracestate_and_baggage_lists_merge()
    {
        var carrier = new HeaderList
        {
            { "traceparent", TraceParent }, { "tracestate", "a=1" }, { "tracestate", "b=2" }, { "baggage", "x=1" }, { "baggage", "y=2" },
        };

        PropagationContext extracted = Propagator.Extract(carrier, HeaderListAdapter.Instance);

        Assert.Equal("a=1,b=2", extracted.ActivityContext.TraceState);
        Assert.Equal(2, extracted.Baggage.Count);
    }

    [Theory]
    [InlineData("userId=alice", "serverNode=DF%2028,isProduction=false", "userId=alice,serverNode=DF%2028,isProduction=false")]
    [InlineData("userId =   alice", "serverNode = DF%2028, isProduction = false", "userId=alice,serverNode=DF%2028,isProduction=false")]
    [InlineData("k1=v1;p1", " k2 = v2 ; p2 = x%2Cy ;p3", "k1=v1;p1,k2=v2;p2=x%2Cy;p3")]
    public void Baggage_split_into_several_headers_is_one_list_written_back_as_one_header(string first, string second, string written)
    {
        // W3C Baggage, "Examples of HTTP headers": baggage might be split into multiple headers.
        var received = new HeaderList { { "baggage", first }, { "baggage", second } };
        var sent = new HeaderList();

        PropagationContext extracted = Propagator.Extract(received, HeaderListAdapter.Instance);
        Propagator.Inject(sent, HeaderListAdapter.Instance, Sampled, extracted.Baggage);

        Assert.Equal(written, Assert.Single(sent.Values("baggage")));
    }

    [Fact]
    public void Reads_MassTransit_activity_id_when_traceparent_is_absent()
    {
        var carrier = new Dictionary<string, string> { ["MT-Activity-Id"] = TraceParent };

        ActivityContext context = Propagator.Extract(carrier, StringDictionaryCarrierAdapter.Instance).ActivityContext;

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.TraceId.ToHexString());
    }

    [Fact]
    public void Prefers_traceparent_over_MassTransit_activity_id()
    {
        var carrier = new Dictionary<string, string>
        {
            ["traceparent"] = TraceParent,
            ["MT-Activity-Id"] = "00-11111111111111111111111111111111-2222222222222222-01",
        };

        ActivityContext context = Propagator.Extract(carrier, StringDictionaryCarrierAdapter.Instance).ActivityContext;

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.TraceId.ToHexString());
    }

    [Fact]
    public void An_invalid_traceparent_ignores_tracestate_but_keeps_baggage()
    {
        var carrier = new Dictionary<string, string> { ["traceparent"] = "garbage", ["tracestate"] = "a=1", ["baggage"] = "k=v" };

        PropagationContext extracted = Propagator.Extract(carrier, StringDictionaryCarrierAdapter.Instance);

        Assert.Equal(default, extracted.ActivityContext);
        Assert.Equal("v", extracted.Baggage.GetBaggage("k"));
    }

    [Theory]
    [InlineData("a=1,a=2", "a=1")]
    [InlineData("a=1,Bad=2,b=3", "a=1,b=3")]
    [InlineData("Bad=2", null)]
    [InlineData("a=1,,b=2", "a=1,b=2")]
    public void A_tracestate_keeps_the_context_and_the_members_that_can_be_kept(string traceState, string? kept)
    {
        var carrier = new Dictionary<string, string> { ["traceparent"] = TraceParent, ["tracestate"] = traceState };

        ActivityContext context = Propagator.Extract(carrier, StringDictionaryCarrierAdapter.Instance).ActivityContext;

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.TraceId.ToHexString());
        Assert.Equal(kept, context.TraceState);
    }

    [Fact]
    public void Repeated_tracestate_headers_with_one_key_keep_its_first_member()
    {
        var carrier = new HeaderList { { "traceparent", TraceParent }, { "tracestate", "congo=first" }, { "tracestate", "congo=second,rojo=1" } };

        PropagationContext extracted = Propagator.Extract(carrier, HeaderListAdapter.Instance);

        Assert.Equal("congo=first,rojo=1", extracted.ActivityContext.TraceState);
    }

    [Fact]
    public void A_faulty_adapter_or_a_null_carrier_never_throws()
    {
        var broken = new ThrowingAdapter();

        Propagator.Inject(new Dictionary<string, string>(), broken, Sampled, SomeBaggage);
        Propagator.Inject<Dictionary<string, string>>(null!, broken, Sampled, SomeBaggage);
        Propagator.Inject(new Dictionary<string, string>(), null!, Sampled, SomeBaggage);

        Assert.Equal(default, Propagator.Extract(new Dictionary<string, string>(), broken));
        Assert.Equal(default, Propagator.Extract<Dictionary<string, string>>(null!, broken));
    }

    [Fact]
    public void Baggage_filters_apply_on_inject_and_extract()
    {
        var propagator = new MessagePropagator(inboundBaggageFilter: key => key != "tenant", outboundBaggageFilter: key => key != "user");
        var carrier = new Dictionary<string, string>();

        propagator.Inject(carrier, StringDictionaryCarrierAdapter.Instance, Sampled, SomeBaggage);
        Assert.Equal("tenant=acme", carrier["baggage"]);

        carrier["baggage"] = "tenant=acme,user=bob";
        Baggage extracted = propagator.Extract(carrier, StringDictionaryCarrierAdapter.Instance).Baggage;
        Assert.Equal(["user"], extracted.GetBaggage().Keys);
    }

    private static void AssertSameContext(ActivityContext expected, PropagationContext actual)
    {
        Assert.Equal(expected.TraceId, actual.ActivityContext.TraceId);
        Assert.Equal(expected.SpanId, actual.ActivityContext.SpanId);
        Assert.Equal(expected.TraceFlags, actual.ActivityContext.TraceFlags);
        Assert.Equal(expected.TraceState, actual.ActivityContext.TraceState);
        Assert.True(actual.ActivityContext.IsRemote);
        Assert.Equal("acme", actual.Baggage.GetBaggage("tenant"));
        Assert.Equal("a b", actual.Baggage.GetBaggage("user"));
    }

    private sealed class ThrowingAdapter : ICarrierAdapter<Dictionary<string, string>>
    {
        public CarrierValueKind ValueKind => CarrierValueKind.Text;

        public bool TryGet(Dictionary<string, string> carrier, string key, out CarrierValue value) => throw new InvalidOperationException("broken carrier");

        public void Replace(Dictionary<string, string> carrier, string key, CarrierValue value) => throw new InvalidOperationException("broken carrier");

        public void Remove(Dictionary<string, string> carrier, string key) => throw new InvalidOperationException("broken carrier");
    }
}
