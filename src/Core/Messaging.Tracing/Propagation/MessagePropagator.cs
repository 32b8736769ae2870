using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using Messaging.Tracing.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace Messaging.Tracing.Propagation;

/// <summary>
/// Writes trace context and baggage into a message's headers and reads them back, on any carrier.
/// </summary>
/// <remarks>
/// <para>The wire format is W3C Trace Context and W3C Baggage, unless the application configured another
/// propagator through <see cref="Propagators.DefaultTextMapPropagator"/>, which is then used instead. On the W3C path
/// the properties of received baggage members go on with their members (<see cref="BaggageProperties"/>); another
/// propagator writes what it writes (OpenTelemetry's <see cref="BaggagePropagator"/> has no properties).</para>
/// <para>Injecting replaces: earlier values of the same headers are removed, and a header with nothing
/// to carry (no valid context, no trace state, no baggage) is removed rather than left stale.</para>
/// <para>Neither direction throws. Malformed, oversized or repeated headers give "no context"; a fault in
/// an adapter, a filter or a custom propagator is reported through <see cref="MessagingTracingEventSource"/>
/// and the message goes on unchanged.</para>
/// </remarks>
public sealed class MessagePropagator
{
    private readonly Func<string, bool>? _inboundBaggageFilter;
    private readonly Func<string, bool>? _outboundBaggageFilter;

    /// <summary>Initializes a new instance of the <see cref="MessagePropagator"/> class.</summary>
    /// <param name="inboundBaggageFilter">Optional: baggage keys accepted from incoming messages.</param>
    /// <param name="outboundBaggageFilter">Optional: baggage keys written to outgoing messages.</param>
    public MessagePropagator(Func<string, bool>? inboundBaggageFilter = null, Func<string, bool>? outboundBaggageFilter = null)
    {
        _inboundBaggageFilter = inboundBaggageFilter;
        _outboundBaggageFilter = outboundBaggageFilter;
    }

    /// <summary>Gets a propagator without baggage filters.</summary>
    public static MessagePropagator Default { get; } = new();

    /// <summary>Writes <paramref name="context"/> and <paramref name="baggage"/> into <paramref name="carrier"/>.</summary>
    /// <typeparam name="TCarrier">The carrier type.</typeparam>
    /// <param name="carrier">The message headers.</param>
    /// <param name="adapter">The adapter for the carrier.</param>
    /// <param name="context">The producer's context; when invalid, trace headers are removed.</param>
    /// <param name="baggage">The baggage to send.</param>
    public void Inject<TCarrier>(TCarrier carrier, ICarrierAdapter<TCarrier> adapter, ActivityContext context, Baggage baggage)
    {
        if (carrier is null || adapter is null)
        {
            MessagingTracingEventSource.Log.NullCarrier(nameof(Inject));
            return;
        }

        try
        {
            TextMapPropagator? custom = ConfiguredPropagator.Custom;
            if (custom is null)
            {
                InjectW3C(carrier, adapter, context, baggage);
            }
            else
            {
                InjectCustom(custom, carrier, adapter, context, baggage);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InjectFailed(ex);
        }
    }

    /// <summary>Reads the producer's context and baggage from <paramref name="carrier"/>.</summary>
    /// <typeparam name="TCarrier">The carrier type.</typeparam>
    /// <param name="carrier">The message headers.</param>
    /// <param name="adapter">The adapter for the carrier.</param>
    /// <returns>The context (<c>default</c> when absent or invalid) and the baggage (possibly empty).</returns>
    public PropagationContext Extract<TCarrier>(TCarrier carrier, ICarrierAdapter<TCarrier> adapter)
    {
        if (carrier is null || adapter is null)
        {
            MessagingTracingEventSource.Log.NullCarrier(nameof(Extract));
            return default;
        }

        try
        {
            TextMapPropagator? custom = ConfiguredPropagator.Custom;
            return custom is null ? ExtractW3C(carrier, adapter) : ExtractCustom(custom, carrier, adapter);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.ExtractFailed(ex);
            return default;
        }
    }

    private void InjectW3C<TCarrier>(TCarrier carrier, ICarrierAdapter<TCarrier> adapter, ActivityContext context, Baggage baggage)
    {
        bool bytes = adapter.ValueKind == CarrierValueKind.Bytes;
        if (context.TraceId == default || context.SpanId == default)
        {
            adapter.Remove(carrier, PropagationHeaderNames.TraceParent);
            adapter.Remove(carrier, PropagationHeaderNames.TraceState);
        }
        else
        {
            adapter.Replace(
                carrier,
                PropagationHeaderNames.TraceParent,
                bytes ? CarrierValue.FromBytes(TraceParentCodec.FormatUtf8(context)) : CarrierValue.FromText(TraceParentCodec.Format(context)));

            // The members of the span's trace state that can be kept, canonical; none left means no header.
            string? traceState = null;
            if (!string.IsNullOrEmpty(context.TraceState))
            {
                _ = TraceStateCodec.TryNormalizeCached(context.TraceState, out traceState);
            }

            if (traceState is not null)
            {
                adapter.Replace(
                    carrier,
                    PropagationHeaderNames.TraceState,
                    bytes ? CarrierValue.FromBytes(Encoding.ASCII.GetBytes(traceState)) : CarrierValue.FromText(traceState));
            }
            else
            {
                adapter.Remove(carrier, PropagationHeaderNames.TraceState);
            }
        }

        byte[]? encodedBaggage = baggage.Count == 0 ? null : BaggageCodec.FormatUtf8(baggage, _outboundBaggageFilter);
        if (encodedBaggage is null)
        {
            adapter.Remove(carrier, PropagationHeaderNames.Baggage);
        }
        else
        {
            adapter.Replace(
                carrier,
                PropagationHeaderNames.Baggage,
                bytes ? CarrierValue.FromBytes(encodedBaggage) : CarrierValue.FromText(Encoding.ASCII.GetString(encodedBaggage)));
        }
    }

    private PropagationContext ExtractW3C<TCarrier>(TCarrier carrier, ICarrierAdapter<TCarrier> adapter)
    {
        ActivityContext context = default;
        if (adapter.TryGet(carrier, PropagationHeaderNames.TraceParent, out CarrierValue traceParent)
            || adapter.TryGet(carrier, PropagationHeaderNames.MassTransitActivityId, out traceParent))
        {
            if (TryParseTraceParent(traceParent, out context))
            {
                context = WithTraceState(context, carrier, adapter);
            }
            else
            {
                MessagingTracingEventSource.Log.MalformedHeader(PropagationHeaderNames.TraceParent, Length(traceParent));
            }
        }

        Baggage baggage = default;
        if (adapter.TryGet(carrier, PropagationHeaderNames.Baggage, out CarrierValue encodedBaggage))
        {
            bool complete;
            baggage = encodedBaggage.Bytes is { } b
                ? BaggageCodec.Parse(b, _inboundBaggageFilter, out complete)
                : BaggageCodec.Parse(encodedBaggage.Text.AsSpan(), _inboundBaggageFilter, out complete);
            if (!complete)
            {
                // Invalid members or members past the W3C limits were dropped; the valid ones are kept.
                MessagingTracingEventSource.Log.MalformedHeader(PropagationHeaderNames.Baggage, Length(encodedBaggage));
            }
        }

        return new PropagationContext(context, baggage);
    }

    private static ActivityContext WithTraceState<TCarrier>(ActivityContext context, TCarrier carrier, ICarrierAdapter<TCarrier> adapter)
    {
        if (!adapter.TryGet(carrier, PropagationHeaderNames.TraceState, out CarrierValue value))
        {
            return context;
        }

        bool complete = value.Bytes is { } bytes
            ? TraceStateCodec.TryNormalize(bytes, out string? traceState)
            : TraceStateCodec.TryNormalize(value.Text, out traceState);
        if (!complete)
        {
            // Invalid members, duplicated keys or members past the 32nd were discarded; the others are kept.
            MessagingTracingEventSource.Log.MalformedHeader(PropagationHeaderNames.TraceState, Length(value));
        }

        return traceState is null
            ? context
            : new ActivityContext(context.TraceId, context.SpanId, context.TraceFlags, traceState, isRemote: true);
    }

    private static bool TryParseTraceParent(CarrierValue value, out ActivityContext context) => value.Bytes is { } bytes
        ? TraceParentCodec.TryParse(bytes, out context)
        : TraceParentCodec.TryParse(value.Text.AsSpan(), out context);

    private static int Length(CarrierValue value) => value.Bytes?.Length ?? value.Text?.Length ?? 0;

    private void InjectCustom<TCarrier>(TextMapPropagator propagator, TCarrier carrier, ICarrierAdapter<TCarrier> adapter, ActivityContext context, Baggage baggage)
    {
        adapter.Remove(carrier, PropagationHeaderNames.TraceParent);
        adapter.Remove(carrier, PropagationHeaderNames.TraceState);
        adapter.Remove(carrier, PropagationHeaderNames.Baggage);
        if (propagator.Fields is { } fields)
        {
            foreach (string field in fields)
            {
                adapter.Remove(carrier, field);
            }
        }

        propagator.Inject(
            new PropagationContext(context, Filter(baggage, _outboundBaggageFilter)),
            new CarrierAccess<TCarrier>(carrier, adapter),
            CarrierAccess<TCarrier>.Setter);
    }

    private PropagationContext ExtractCustom<TCarrier>(TextMapPropagator propagator, TCarrier carrier, ICarrierAdapter<TCarrier> adapter)
    {
        PropagationContext extracted = propagator.Extract(default, new CarrierAccess<TCarrier>(carrier, adapter), CarrierAccess<TCarrier>.Getter);
        return new PropagationContext(extracted.ActivityContext, Filter(extracted.Baggage, _inboundBaggageFilter));
    }

    private static Baggage Filter(Baggage baggage, Func<string, bool>? keyFilter)
    {
        if (keyFilter is null || baggage.Count == 0)
        {
            return baggage;
        }

        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> item in baggage)
        {
            if (BaggageCodec.Accepts(keyFilter, item.Key))
            {
                kept[item.Key] = item.Value;
            }
        }

        return Baggage.Create(kept);
    }

    /// <summary>A carrier and its adapter, in the shape OpenTelemetry's propagators take.</summary>
    private readonly record struct CarrierAccess<TCarrier>(TCarrier Carrier, ICarrierAdapter<TCarrier> Adapter)
    {
        public static readonly Action<CarrierAccess<TCarrier>, string, string> Setter =
            static (access, key, value) => access.Adapter.Replace(
                access.Carrier,
                key,
                access.Adapter.ValueKind == CarrierValueKind.Bytes ? CarrierValue.FromBytes(Encoding.UTF8.GetBytes(value)) : CarrierValue.FromText(value));

        public static readonly Func<CarrierAccess<TCarrier>, string, IEnumerable<string>?> Getter =
            static (access, key) => access.Adapter.TryGet(access.Carrier, key, out CarrierValue value) ? [value.ToString()] : null;
    }
}
