using System.Collections.Generic;
using System.Diagnostics;
using OpenTelemetry;

namespace Messaging.Tracing.Benchmarks.Infrastructure;

/// <summary>The trace context and baggage every benchmark propagates: the W3C specification's own examples.</summary>
public static class SampleContext
{
    /// <summary>A sampled <c>traceparent</c> (W3C Trace Context §3.2.2 example).</summary>
    public const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /// <summary>A two-member <c>tracestate</c> in canonical form (W3C Trace Context §3.3 example).</summary>
    public const string TraceState = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";

    /// <summary>A three-member <c>baggage</c> value, one of them percent-encoded (W3C Baggage examples).</summary>
    public const string Baggage = "userId=alice,serverNode=DF%2028,isProduction=false";

    /// <summary>An application header that real messages carry next to the trace headers.</summary>
    public const string ApplicationHeader = "content-type";

    /// <summary>The application header's value.</summary>
    public const string ApplicationHeaderValue = "application/json";

    /// <summary>Gets <see cref="TraceParent"/> in UTF-8, as byte carriers hold it.</summary>
    public static byte[] TraceParentUtf8 { get; } = System.Text.Encoding.ASCII.GetBytes(TraceParent);

    /// <summary>Gets the context of <see cref="TraceParent"/>, without trace state.</summary>
    public static ActivityContext Context { get; } = new(
        ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736"),
        ActivitySpanId.CreateFromString("00f067aa0ba902b7"),
        ActivityTraceFlags.Recorded,
        traceState: null,
        isRemote: true);

    /// <summary>Gets the context of <see cref="TraceParent"/> with <see cref="TraceState"/>.</summary>
    public static ActivityContext ContextWithTraceState { get; } = new(
        Context.TraceId,
        Context.SpanId,
        ActivityTraceFlags.Recorded,
        TraceState,
        isRemote: true);

    /// <summary>Gets the baggage of <see cref="Baggage"/>, decoded.</summary>
    public static OpenTelemetry.Baggage BaggageItems { get; } = OpenTelemetry.Baggage.Create(new Dictionary<string, string>
    {
        ["userId"] = "alice",
        ["serverNode"] = "DF 28",
        ["isProduction"] = "false",
    });

    /// <summary>The context and baggage a case propagates.</summary>
    /// <param name="content">What is propagated.</param>
    /// <returns>The context and the baggage (empty for <see cref="PropagatedContent.TraceParent"/>).</returns>
    public static (ActivityContext Context, Baggage Baggage) For(PropagatedContent content) => content == PropagatedContent.TraceParent
        ? (Context, default)
        : (ContextWithTraceState, BaggageItems);
}
