using System;
using System.Collections.Generic;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Propagation;
using OpenTelemetry;

namespace Messaging.Tracing.Benchmarks.Carriers;

/// <summary>
/// What any propagator pays on this runtime, measured in the same run as the carrier benchmarks: allocating a
/// <c>traceparent</c> header value; creating the <see cref="ActivityTraceId"/> and <see cref="ActivitySpanId"/> an
/// extracted context is made of (each wraps a hex string, so each costs an allocation); and creating an OpenTelemetry
/// <see cref="Baggage"/> through its public API, which copies the members into a dictionary of its own (OpenTelemetry's
/// own propagator uses an internal constructor that does not).
/// </summary>
[MemoryDiagnoser]
public class PropagationFloorBenchmarks
{
    private readonly Dictionary<string, string> _members = new(StringComparer.Ordinal);
    private readonly byte[] _ids = [0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36, 0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7];

    [Benchmark]
    public byte[] Allocate_traceparent_value() => new byte[TraceParentCodec.Length];

    [Benchmark]
    public ActivityContext Create_trace_and_span_ids() => new(
        ActivityTraceId.CreateFromBytes(_ids.AsSpan(0, 16)),
        ActivitySpanId.CreateFromBytes(_ids.AsSpan(16, 8)),
        ActivityTraceFlags.Recorded,
        traceState: null,
        isRemote: true);

    [Benchmark]
    public Baggage Create_baggage_of_3_members()
    {
        _members["userId"] = "alice";
        _members["serverNode"] = "DF 28";
        _members["isProduction"] = "false";
        return Baggage.Create(_members);
    }

    [Benchmark]
    public bool Parse_traceparent() => TraceParentCodec.TryParse(SampleContext.TraceParentUtf8, out _);

    [Benchmark]
    public byte[] Format_traceparent() => TraceParentCodec.FormatUtf8(SampleContext.Context);
}
