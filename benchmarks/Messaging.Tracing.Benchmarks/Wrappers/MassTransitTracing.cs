namespace Messaging.Tracing.Benchmarks.Wrappers;

/// <summary>How a MassTransit bus is traced in a case.</summary>
public enum MassTransitTracing
{
    /// <summary>No tracing: neither this library's filters nor a listener.</summary>
    Off,

    /// <summary>MassTransit's built-in instrumentation only: its <c>MassTransit</c> source listened and sampled.</summary>
    MassTransitBuiltIn,

    /// <summary>This library's filters, its source listened and sampled (it replaces MassTransit's spans).</summary>
    MessagingTracingSampled,

    /// <summary>This library's filters, its source listened with propagation only.</summary>
    MessagingTracingUnsampled,

    /// <summary>This library's filters, nothing listening.</summary>
    MessagingTracingNoListener,

    /// <summary>This library's filters and both sources sampled: MassTransit's spans are bridged, not duplicated.</summary>
    Bridged,
}
