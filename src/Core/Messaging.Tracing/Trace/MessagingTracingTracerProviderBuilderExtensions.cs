using System;
using Messaging.Tracing.Spans;

// Extension methods live in the namespace of the type they extend, as OpenTelemetry's instrumentations do.
namespace OpenTelemetry.Trace;

/// <summary>Enables Messaging.Tracing spans in an OpenTelemetry tracer provider.</summary>
public static class MessagingTracingTracerProviderBuilderExtensions
{
    /// <summary>Adds the <c>Messaging.Tracing</c> activity source. The sampler and propagator stay the application's.</summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The same builder.</returns>
    public static TracerProviderBuilder AddMessagingTracing(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(MessagingActivitySource.Name);
    }
}
