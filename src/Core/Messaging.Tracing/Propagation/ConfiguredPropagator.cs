using System.Collections.Generic;
using OpenTelemetry.Context.Propagation;

namespace Messaging.Tracing.Propagation;

/// <summary>
/// Decides whether the application configured a propagator other than W3C through
/// <see cref="Propagators.DefaultTextMapPropagator"/> (B3, Jaeger, a custom one).
/// </summary>
/// <remarks>
/// The default is OpenTelemetry's no-op propagator (API only) or the SDK's composite of
/// <see cref="TraceContextPropagator"/> and <see cref="BaggagePropagator"/>: for those the built-in W3C
/// fast path does the same work faster. Anything else is honoured. The decision is cached per
/// propagator instance, so a later <c>Sdk.SetDefaultTextMapPropagator</c> takes effect at once.
/// </remarks>
internal static class ConfiguredPropagator
{
    private static readonly HashSet<string> W3CFields =
    [
        PropagationHeaderNames.TraceParent,
        PropagationHeaderNames.TraceState,
        PropagationHeaderNames.Baggage,
    ];

    private static Decision? _last;

    /// <summary>Gets the application's propagator when it is not W3C; otherwise <see langword="null"/>.</summary>
    public static TextMapPropagator? Custom
    {
        get
        {
            TextMapPropagator current = Propagators.DefaultTextMapPropagator;
            Decision? decision = _last;
            if (decision is null || !ReferenceEquals(decision.Propagator, current))
            {
                decision = new Decision(current, IsW3C(current) ? null : current);
                _last = decision;
            }

            return decision.Custom;
        }
    }

    private static bool IsW3C(TextMapPropagator propagator)
    {
        ISet<string>? fields = propagator.Fields;
        if (fields is null || fields.Count == 0)
        {
            return true; // the no-op propagator: nothing configured
        }

        return propagator is TraceContextPropagator or BaggagePropagator or CompositeTextMapPropagator
            && W3CFields.IsSupersetOf(fields);
    }

    private sealed record Decision(TextMapPropagator Propagator, TextMapPropagator? Custom);
}
