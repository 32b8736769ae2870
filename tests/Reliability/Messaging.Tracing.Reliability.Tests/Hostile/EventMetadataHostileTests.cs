using System;
using System.Collections.Generic;
using System.Diagnostics;
using Messaging.Tracing.Events;
using Messaging.Tracing.Testing;
using Messaging.Tracing.Testing.Hostile;
using OpenTelemetry;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>
/// Hostile stored event metadata (a dictionary of strings, as an event store returns it) handled by a live projection
/// through <see cref="EventTracer.StartHandling"/>: the event is handled once, unchanged, and the stored metadata is not
/// touched.
/// </summary>
public sealed class EventMetadataHostileTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases() => HostileCases.NoRepeats();

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_hostile_stored_event_is_handled_once_unchanged(string name)
    {
        HostileHeaderCase hostile = HostileHeaderCorpus.Get(name);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["correlation-id"] = "c-1" };
        foreach (HostileHeader header in hostile.Headers)
        {
            metadata[header.Name] = header.Text!; // null for a null value: a stored null
        }

        var stored = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
        byte[] payload = HostilePayload.For(name);
        byte[] storedPayload = (byte[])payload.Clone();
        using var collector = new SpanCollector();
        using var diagnostics = new DiagnosticsRecorder();
        var tracer = new EventTracer(MessagingTracer.Default);
        int calls = 0;
        byte[]? handled = null;
        IReadOnlyDictionary<string, string> baggage = new Dictionary<string, string>();
        Activity? inHandler = null;
        var stopwatch = Stopwatch.StartNew();

        using (tracer.StartHandling(metadata, "hostile-projection", EventDelivery.Live))
        {
            calls++;
            handled = storedPayload;
            baggage = Baggage.Current.GetBaggage();
            inHandler = Activity.Current;
        }

        double elapsed = stopwatch.Elapsed.TotalMilliseconds;
        Assert.Equal(1, calls);
        Assert.Equal(payload, handled);
        Assert.Equal(stored, metadata);
        Activity process = Assert.Single(collector.Spans, s => s.Kind == ActivityKind.Consumer);
        Assert.Same(process, inHandler);
        HostileAssert.Context(hostile, process, baggage);
        HostileAssert.Diagnostics(hostile, diagnostics);
        Assert.Null(Activity.Current);

        ExtractionCost cost = ExtractionCost.Measure(() => tracer.Read(metadata));
        output.WriteLine(FormattableString.Invariant($"REPORT hostile transport=event-metadata case={name} bytes={hostile.Size} outcome={hostile.Outcome} delivered=1 handled={calls} e2e_ms={elapsed:0.000} {cost}"));
        Assert.InRange(cost.Microseconds, 0, ExtractionCost.TimeLimit.TotalMicroseconds);
        Assert.InRange(cost.AllocatedBytes, 0, ExtractionCost.AllocationLimit);
    }
}
