using System;
using Messaging.Tracing;
using Messaging.Tracing.Marten;

// Extension methods live in the namespace of the type they extend, as Marten's own do.
namespace Marten;

/// <summary>Traces the events appended through a Marten document store.</summary>
public static class MessagingTracingStoreOptionsExtensions
{
    /// <summary>
    /// Traces every <c>SaveChangesAsync</c> that appends events: one <c>append {aggregate type}</c> span (Producer kind,
    /// <c>messaging.system</c> <c>marten</c>) whose W3C context — <c>traceparent</c>, <c>tracestate</c> and <c>baggage</c>,
    /// replacing earlier values, never a stale or invalid one — every appended event carries in its headers; and Marten's
    /// correlation id (the current trace id) and causation id (the current span's id) where the application left them empty.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Turns on the event metadata it writes (<c>Events.MetadataConfig</c>: <c>HeadersEnabled</c>, <c>CorrelationIdEnabled</c>,
    /// <c>CausationIdEnabled</c>: columns of <c>mt_events</c>) and adds a session listener to <see cref="StoreOptions.Listeners"/>.
    /// Marten's own OpenTelemetry settings are left as they are. Instrumentation never fails a save: a fault is reported
    /// through <c>MessagingTracingEventSource</c> and the events are stored as the application appended them.
    /// <see cref="MessagingTracingOptions.EnrichProducerSpan"/> receives the session's pending streams (a list of
    /// <c>JasperFx.Events.StreamAction</c>).
    /// </para>
    /// <para>
    /// With dependency injection, call <c>services.AddMarten(...).AddMessagingTracing()</c> instead: it uses the tracer
    /// <c>services.AddMessagingTracing(...)</c> registered.
    /// </para>
    /// </remarks>
    /// <param name="options">The store options.</param>
    /// <param name="tracer">The application's tracer, whose options (baggage filters, enrichment) apply.</param>
    /// <returns>The same options.</returns>
    public static StoreOptions UseMessagingTracing(this StoreOptions options, MessagingTracer tracer)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tracer);
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        options.Listeners.Add(new AppendTracingListener(tracer));
        return options;
    }
}
