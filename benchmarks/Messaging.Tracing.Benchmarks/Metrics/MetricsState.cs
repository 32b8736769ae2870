namespace Messaging.Tracing.Benchmarks.Metrics;

/// <summary>Who listens to the <c>Messaging.Tracing</c> meter while a case runs.</summary>
public enum MetricsState
{
    /// <summary>Nothing listens: the instruments are disabled.</summary>
    Off,

    /// <summary>An OpenTelemetry meter provider with <c>AddMessagingTracing()</c> aggregates every measurement (as in production).</summary>
    OpenTelemetry,
}
