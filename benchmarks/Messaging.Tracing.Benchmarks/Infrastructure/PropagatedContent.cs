namespace Messaging.Tracing.Benchmarks.Infrastructure;

/// <summary>What a propagation case carries.</summary>
public enum PropagatedContent
{
    /// <summary>Only <c>traceparent</c>: the common case.</summary>
    TraceParent,

    /// <summary><c>traceparent</c>, a two-member <c>tracestate</c> and three baggage members.</summary>
    All,
}
