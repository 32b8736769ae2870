using Messaging.Tracing.Propagation;

namespace Messaging.Tracing.Events;

/// <summary>The keys this library writes into, and reads from, an event's stored metadata.</summary>
public static class EventMetadataKeys
{
    /// <summary>W3C <c>traceparent</c> of the span that appended the event.</summary>
    public const string TraceParent = PropagationHeaderNames.TraceParent;

    /// <summary>W3C <c>tracestate</c>.</summary>
    public const string TraceState = PropagationHeaderNames.TraceState;

    /// <summary>W3C <c>baggage</c>.</summary>
    public const string Baggage = PropagationHeaderNames.Baggage;

    /// <summary>The id of the request or command that started the flow, kept along the whole chain.</summary>
    public const string CorrelationId = "correlation-id";

    /// <summary>The id of the message (command or event) that caused this event.</summary>
    public const string CausationId = "causation-id";
}
