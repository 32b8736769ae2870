using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Tests.PropertyTesting;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Tests.Propagation;

/// <summary>The codecs behind a carrier: hostile, repeated and mixed headers in, W3C headers out.</summary>
[Collection(GlobalStateCollection.Name)]
[Trait("Category", "Reliability")]
public class MessagePropagatorProperties(ITestOutputHelper output)
{
    private const string Parser = "message-propagator";

    /// <summary>The trace flags carried: sampled (01) and random trace id (02).</summary>
    private const ActivityTraceFlags KnownFlags = ActivityTraceFlags.Recorded | (ActivityTraceFlags)0x02;

    private static readonly string[] Keys = ["traceparent", "tracestate", "baggage", "MT-Activity-Id", "Traceparent", "other"];

    /// <summary>Headers a hostile or broken sender may write: the propagation keys, repeated, with damaged values.</summary>
    private static readonly Gen<KeyValuePair<string, byte[]>[]> HostileHeaders =
        Gen.Choose(0, 6).SelectMany(count => Gen.ArrayOf(
            Gen.Elements(Keys).SelectMany(key => Gen.Frequency(
                (2, HostileInput.Bytes(ValidHeaders.TraceParent)),
                (1, HostileInput.Bytes(ValidHeaders.TraceState)),
                (1, HostileInput.Bytes(ValidHeaders.Baggage)),
                (1, ValidHeaders.TraceParent.Select(Encoding.ASCII.GetBytes))),
                (key, value) => new KeyValuePair<string, byte[]>(key, value)),
            count));

    [Fact]
    public void Extracting_hostile_headers_never_throws_and_gives_no_context_or_a_valid_one()
    {
        PropertyRun.Check(output, Parser, "extract", HostileHeaders, headers =>
        {
            var byteCarrier = new HeaderList();
            byteCarrier.AddRange(headers);
            var textCarrier = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, byte[]> header in headers)
            {
                textCarrier[header.Key] = Encoding.UTF8.GetString(header.Value);
            }

            AssertExtracted(MessagePropagator.Default.Extract(byteCarrier, HeaderListAdapter.Instance));
            AssertExtracted(MessagePropagator.Default.Extract<IDictionary<string, string>>(textCarrier, StringDictionaryCarrierAdapter.Instance));
        });
    }

    [Fact]
    public void Injecting_over_hostile_headers_replaces_them_and_extracts_back_exactly()
    {
        var inputs =
            from context in ValidHeaders.Context
            from traceState in ValidHeaders.TraceState
            from members in ValidHeaders.BaggageMembers
            from stale in HostileHeaders
            select (context, traceState, members, stale);
        PropertyRun.Check(output, Parser, "inject-extract", inputs, input =>
        {
            Assert.True(TraceStateCodec.TryNormalize(input.traceState, out string? state));
            var context = new ActivityContext(input.context.TraceId, input.context.SpanId, input.context.TraceFlags, state);
            Baggage baggage = Baggage.Create(input.members.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal));

            var carrier = new HeaderList();
            carrier.AddRange(input.stale.Where(h => h.Key != "MT-Activity-Id"));
            MessagePropagator.Default.Inject(carrier, HeaderListAdapter.Instance, context, baggage);

            Assert.Single(carrier, h => h.Key == "traceparent");
            Assert.True(carrier.Count(h => h.Key == "tracestate") == (state is null ? 0 : 1));
            Assert.True(carrier.Count(h => h.Key == "baggage") <= 1);
            PropagationContext extracted = MessagePropagator.Default.Extract(carrier, HeaderListAdapter.Instance);
            Assert.Equal(
                new ActivityContext(context.TraceId, context.SpanId, context.TraceFlags & KnownFlags, state, isRemote: true),
                extracted.ActivityContext);
            Assert.Equal(
                BaggageCodec.Parse(BaggageCodec.FormatUtf8(baggage, keyFilter: null)).GetBaggage().OrderBy(m => m.Key, StringComparer.Ordinal),
                extracted.Baggage.GetBaggage().OrderBy(m => m.Key, StringComparer.Ordinal));
        });
    }

    private static void AssertExtracted(PropagationContext extracted)
    {
        ActivityContext context = extracted.ActivityContext;
        if (context != default)
        {
            Assert.NotEqual(default, context.TraceId);
            Assert.NotEqual(default, context.SpanId);
            Assert.Equal(ActivityTraceFlags.None, context.TraceFlags & ~KnownFlags);
            Assert.True(context.TraceState is null || (TraceStateCodec.TryNormalize(context.TraceState, out string? again) && ReferenceEquals(again, context.TraceState)));
        }

        Assert.True(extracted.Baggage.Count <= BaggageCodec.MaxMembers);
    }
}
