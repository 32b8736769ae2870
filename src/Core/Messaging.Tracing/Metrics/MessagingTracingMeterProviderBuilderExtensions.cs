using System;
using Messaging.Tracing.Instruments;

// Extension methods live in the namespace of the type they extend, as OpenTelemetry's instrumentations do.
namespace OpenTelemetry.Metrics;

/// <summary>Enables Messaging.Tracing metrics in an OpenTelemetry meter provider.</summary>
public static class MessagingTracingMeterProviderBuilderExtensions
{
    /// <summary>
    /// Adds the <c>Messaging.Tracing</c> meter (<see cref="MessagingMeter"/>). Views, exporters and limits stay the
    /// application's.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The same builder.</returns>
    public static MeterProviderBuilder AddMessagingTracing(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(MessagingMeter.Name);
    }
}
