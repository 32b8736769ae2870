using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace Messaging.Tracing.Testing;

/// <summary>
/// Headers a W3C Trace Context Level 2 and W3C Baggage producer writes that Level 1 codecs lose — the random trace-id flag
/// (flags <c>03</c>), Level 2 <c>tracestate</c> keys, baggage member properties — and the check that a consumer which sends on
/// from inside its process span carries all of it to the next hop. Independent of any test framework.
/// </summary>
/// <example>
/// <code>
/// // A foreign producer sends a message with NextHopHeaders.Headers; the handler sends a second message.
/// NextHopHeaders.EnsureCarried(second["traceparent"], second["tracestate"], second["baggage"], sendSpan);
/// </code>
/// </example>
public static class NextHopHeaders
{
    /// <summary>The trace id of the incoming message.</summary>
    public const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    /// <summary>The incoming message's parent id (its producer's span).</summary>
    public const string ParentId = "00f067aa0ba902b7";

    /// <summary>Flags <c>03</c>: sampled and random trace id (W3C Trace Context Level 2, "Random Trace ID Flag").</summary>
    public const string TraceParent = "00-" + TraceId + "-" + ParentId + "-03";

    /// <summary>Members whose keys are valid only under the Level 2 key grammar (several <c>@</c>, a leading digit).</summary>
    public const string TraceState = "foo@bar@baz=1,1abc=t61rcWkgMzE";

    /// <summary>A member with properties (one with a value, one key-only) and a percent-encoded member (W3C Baggage).</summary>
    public const string Baggage = "tenant=t1;ttl=30;sensitive,region=eu%20west";

    /// <summary>Gets the three headers, by name.</summary>
    public static IReadOnlyDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["traceparent"] = TraceParent,
        ["tracestate"] = TraceState,
        ["baggage"] = Baggage,
    };

    /// <summary>
    /// Checks what the next hop received: the same trace id and flags <c>03</c> with a new parent id — the id of the span that
    /// sent it, when one was recorded —, the trace state as it came, and every baggage member with its properties (in any order).
    /// </summary>
    /// <param name="traceParent">The next hop's <c>traceparent</c>.</param>
    /// <param name="traceState">The next hop's <c>tracestate</c>.</param>
    /// <param name="baggage">The next hop's <c>baggage</c>.</param>
    /// <param name="sender">The span that sent the next hop's message, or <see langword="null"/> when none was recorded.</param>
    /// <exception cref="TraceShapeException">Something was not carried; the message shows expected and actual headers.</exception>
    public static void EnsureCarried(string? traceParent, string? traceState, string? baggage, Activity? sender)
    {
        string[] fields = traceParent?.Split('-') ?? [];
        string parentId = fields.Length == 4 ? fields[2] : string.Empty;
        bool carried = fields.Length == 4
            && fields[0] == "00"
            && fields[1] == TraceId
            && fields[3] == "03"
            && parentId != ParentId
            && (sender is null || parentId == sender.SpanId.ToHexString())
            && traceState == TraceState
            && baggage is not null
            && baggage.Split(',').Order(StringComparer.Ordinal).SequenceEqual(Baggage.Split(',').Order(StringComparer.Ordinal));
        if (!carried)
        {
            string newParent = sender?.SpanId.ToHexString() ?? "{a new parent id}";
            throw new TraceShapeException(
                Render($"00-{TraceId}-{newParent}-03", TraceState, Baggage),
                Render(traceParent, traceState, baggage),
                "The next hop's headers do not carry the incoming trace context and baggage.",
                innerException: null);
        }
    }

    private static string Render(string? traceParent, string? traceState, string? baggage) =>
        $"traceparent: {traceParent ?? "(absent)"}\ntracestate: {traceState ?? "(absent)"}\nbaggage: {baggage ?? "(absent)"}";
}
