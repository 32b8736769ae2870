using OpenTelemetry.Context.Propagation;

namespace Messaging.Tracing.Benchmarks.Infrastructure;

/// <summary>The baseline: OpenTelemetry's W3C propagators, composed as the SDK installs them by default.</summary>
public static class OpenTelemetryW3C
{
    /// <summary>Gets <see cref="TraceContextPropagator"/> and <see cref="BaggagePropagator"/> in a <see cref="CompositeTextMapPropagator"/>.</summary>
    public static TextMapPropagator Propagator { get; } = new CompositeTextMapPropagator([new TraceContextPropagator(), new BaggagePropagator()]);
}
