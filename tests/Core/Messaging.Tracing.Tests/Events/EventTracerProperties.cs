using System;
using System.Collections.Generic;
using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using Messaging.Tracing.Events;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Tests.PropertyTesting;
using OpenTelemetry.Context.Propagation;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Tests.Events;

/// <summary>Stored event metadata is input like any header: a projection must survive whatever an event store holds.</summary>
[Collection(GlobalStateCollection.Name)]
[Trait("Category", "Reliability")]
public class EventTracerProperties(ITestOutputHelper output)
{
    private const string Parser = "event-metadata";

    private static readonly EventTracer Events = new(new MessagingTracer(new MessagingTracingOptions()));

    private static readonly Gen<Dictionary<string, string>> HostileMetadata =
        from traceParent in Gen.Frequency((3, HostileInput.Strings(ValidHeaders.TraceParent)), (1, ValidHeaders.TraceParent), (1, Gen.Constant<string>(null!)))
        from traceState in Gen.Frequency((2, HostileInput.Strings(ValidHeaders.TraceState)), (1, Gen.Constant<string>(null!)))
        from baggage in Gen.Frequency((2, HostileInput.Strings(ValidHeaders.Baggage)), (1, Gen.Constant<string>(null!)))
        from correlation in Gen.Frequency((2, HostileInput.NoiseString), (1, Gen.Constant<string>(null!)))
        select Metadata(traceParent, traceState, baggage, correlation);

    [Fact]
    public void Reading_and_handling_any_stored_metadata_never_throws_and_parents_only_on_a_valid_context()
    {
        PropertyRun.Check(output, Parser, "read-and-handle", HostileMetadata.Zip(Gen.Elements(EventDelivery.Live, EventDelivery.Replay)), input =>
        {
            (Dictionary<string, string> metadata, EventDelivery delivery) = input;
            PropagationContext read = Events.Read(metadata);
            bool valid = metadata.TryGetValue(EventMetadataKeys.TraceParent, out string? stored)
                && TraceParentCodec.TryParse(stored.AsSpan(), out _);
            Assert.Equal(valid, read.ActivityContext != default);
            _ = EventTracer.ReadCorrelation(metadata);

            Assert.Null(Activity.Current);
            using (ProcessScope scope = Events.StartHandling(metadata, "projection", delivery))
            {
                Activity? span = scope.Activity;
                if (delivery == EventDelivery.Live && valid)
                {
                    // Live: the handler follows from the append that stored the event.
                    Assert.NotNull(span);
                    Assert.Equal(read.ActivityContext.TraceId, span.TraceId);
                    Assert.Equal(read.ActivityContext.SpanId, span.ParentSpanId);
                }
                else if (span is not null)
                {
                    // Replay, or nothing valid stored: a new root, never the stored trace.
                    Assert.Equal(default, span.ParentSpanId);
                    Assert.NotEqual(read.ActivityContext.TraceId, span.TraceId);
                }
            }

            Assert.Null(Activity.Current);
        });
    }

    [Fact]
    public void Written_metadata_reads_back_the_append_context_exactly()
    {
        var inputs = ValidHeaders.Context.Zip(ValidHeaders.TraceState).Zip(HostileMetadata);
        PropertyRun.Check(output, Parser, "write-read", inputs, input =>
        {
            ((ActivityContext context, string traceState), Dictionary<string, string> stale) = input;
            Assert.True(TraceStateCodec.TryNormalize(traceState, out string? state));
            using var append = new Activity("append");
            append.SetParentId(context.TraceId, context.SpanId, context.TraceFlags);
            append.TraceStateString = state;
            append.Start();

            Events.Write(stale, append, correlationId: "c", causationId: "d");
            append.Stop();

            PropagationContext read = Events.Read(stale);
            Assert.Equal(append.TraceId, read.ActivityContext.TraceId);
            Assert.Equal(append.SpanId, read.ActivityContext.SpanId);
            Assert.Equal(append.ActivityTraceFlags & (ActivityTraceFlags.Recorded | (ActivityTraceFlags)0x02), read.ActivityContext.TraceFlags);
            Assert.Equal(state, read.ActivityContext.TraceState);
            Assert.Equal(new EventCorrelation("c", "d"), EventTracer.ReadCorrelation(stale));
        });
    }

    private static Dictionary<string, string> Metadata(string? traceParent, string? traceState, string? baggage, string? correlation)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(metadata, EventMetadataKeys.TraceParent, traceParent);
        Add(metadata, EventMetadataKeys.TraceState, traceState);
        Add(metadata, EventMetadataKeys.Baggage, baggage);
        Add(metadata, EventMetadataKeys.CorrelationId, correlation);
        return metadata;
    }

    private static void Add(Dictionary<string, string> metadata, string key, string? value)
    {
        if (value is not null)
        {
            metadata[key] = value;
        }
    }
}
