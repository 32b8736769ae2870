namespace Messaging.Tracing.Propagation;

/// <summary>The header names this library reads and writes.</summary>
public static class PropagationHeaderNames
{
    /// <summary>W3C Trace Context: the producer's trace id, span id and flags.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>W3C Trace Context: vendor-specific trace state.</summary>
    public const string TraceState = "tracestate";

    /// <summary>W3C Baggage: application key/value pairs that travel with the trace.</summary>
    public const string Baggage = "baggage";

    /// <summary>MassTransit's own header, a <c>traceparent</c> value; read when <c>traceparent</c> is absent.</summary>
    public const string MassTransitActivityId = "MT-Activity-Id";
}
