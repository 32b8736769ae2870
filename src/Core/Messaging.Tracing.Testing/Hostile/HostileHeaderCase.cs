using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace Messaging.Tracing.Testing.Hostile;

/// <summary>
/// One hostile message's headers and what a consumer must do with them: deliver the message unchanged, and start a new
/// trace, continue the trace, or continue it without the trace state or baggage.
/// </summary>
/// <remarks>
/// Feed <see cref="Headers"/> to a consumer in order (a carrier that allows repeated names receives every one), then
/// check the process span against <see cref="Outcome"/>, <see cref="ParentTraceId"/>, <see cref="ParentSpanId"/>,
/// <see cref="TraceState"/> and <see cref="Baggage"/>. <see cref="MalformedHeaders"/> names the headers a consumer
/// should report as malformed (by name and length, never by value).
/// </remarks>
public sealed class HostileHeaderCase
{
    private static readonly IReadOnlyDictionary<string, string> NoBaggage = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="HostileHeaderCase"/> class.</summary>
    /// <param name="name">A short, unique, stable name (used as the theory data).</param>
    /// <param name="description">What is hostile about the headers.</param>
    /// <param name="headers">The headers, in order; names may repeat.</param>
    /// <param name="outcome">What a consumer must do.</param>
    /// <param name="malformedHeaders">The headers a consumer should report as malformed.</param>
    /// <param name="parent">For the continuing outcomes, the context the trace continues from, with the flags a consumer keeps.</param>
    /// <param name="traceState">The trace state a consumer keeps, canonical; null when none.</param>
    /// <param name="baggage">The baggage a consumer restores; for <see cref="HostileHeaderOutcome.ContinueWithBoundedBaggage"/>,
    /// every member sent, in order, of which a consumer keeps a leading run.</param>
    public HostileHeaderCase(
        string name,
        string description,
        IReadOnlyList<HostileHeader> headers,
        HostileHeaderOutcome outcome,
        IReadOnlyList<string>? malformedHeaders = null,
        ActivityContext parent = default,
        string? traceState = null,
        IReadOnlyList<KeyValuePair<string, string>>? baggage = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(description);
        ArgumentNullException.ThrowIfNull(headers);
        if (outcome != HostileHeaderOutcome.NewTrace && parent == default)
        {
            throw new ArgumentException($"A continuing case ({outcome}) needs the parent context.", nameof(parent));
        }

        Name = name;
        Description = description;
        Headers = headers;
        Outcome = outcome;
        MalformedHeaders = malformedHeaders ?? [];
        ParentTraceId = outcome == HostileHeaderOutcome.NewTrace ? null : parent.TraceId;
        ParentSpanId = outcome == HostileHeaderOutcome.NewTrace ? null : parent.SpanId;
        ParentFlags = parent.TraceFlags;
        TraceState = traceState;
        BaggageMembers = baggage ?? [];
        var exact = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> member in BaggageMembers)
        {
            exact[member.Key] = member.Value;
        }

        Baggage = exact.Count == 0 ? NoBaggage : exact;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (HostileHeader header in headers)
        {
            HasRepeatedNames |= !seen.Add(header.Name);
            HasNullValues |= header.IsNull;
            Size += header.Length;
        }
    }

    /// <summary>Gets the case's name.</summary>
    public string Name { get; }

    /// <summary>Gets what is hostile about the headers.</summary>
    public string Description { get; }

    /// <summary>Gets the headers, in order.</summary>
    public IReadOnlyList<HostileHeader> Headers { get; }

    /// <summary>Gets what a consumer must do with the context.</summary>
    public HostileHeaderOutcome Outcome { get; }

    /// <summary>Gets the names of the headers a consumer should report as malformed (name and length only).</summary>
    public IReadOnlyList<string> MalformedHeaders { get; }

    /// <summary>Gets the trace id the process span continues; null for <see cref="HostileHeaderOutcome.NewTrace"/>.</summary>
    public ActivityTraceId? ParentTraceId { get; }

    /// <summary>Gets the producer span id the process span relates to; null for <see cref="HostileHeaderOutcome.NewTrace"/>.</summary>
    public ActivitySpanId? ParentSpanId { get; }

    /// <summary>
    /// Gets the trace flags the producer sent, as a consumer keeps them: the sampled (<c>01</c>) and random trace id
    /// (<c>02</c>) flags of W3C Trace Context Level 2; other bits are cleared.
    /// </summary>
    public ActivityTraceFlags ParentFlags { get; }

    /// <summary>Gets the canonical trace state a consumer keeps; null when it keeps none.</summary>
    public string? TraceState { get; }

    /// <summary>Gets the baggage a consumer restores (exactly, unless the outcome is bounded baggage).</summary>
    public IReadOnlyDictionary<string, string> Baggage { get; }

    /// <summary>Gets the baggage members in the order sent (for the bounded-baggage check: a leading run of these).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> BaggageMembers { get; }

    /// <summary>Gets a value indicating whether a header name occurs more than once (needs a carrier that allows it).</summary>
    public bool HasRepeatedNames { get; }

    /// <summary>Gets a value indicating whether a header has a null value (needs a carrier that can hold one).</summary>
    public bool HasNullValues { get; }

    /// <summary>Gets the total size of the header values in bytes.</summary>
    public int Size { get; }

    /// <summary>Gets a value indicating whether the trace continues.</summary>
    public bool ContinuesTrace => Outcome != HostileHeaderOutcome.NewTrace;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
