using System;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace EventSourcing.Telemetry;

/// <summary>
/// The OpenTelemetry meter provider, built by hand like the tracer provider (<see cref="TracingSetup"/>): Messaging.Tracing's
/// meter (<c>AddMessagingTracing()</c>), exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class MetricsSetup
{
    /// <summary>Builds the meter provider; dispose it when the application ends (it flushes the exporter).</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The meter provider.</returns>
    public static MeterProvider CreateMeterProvider(SampleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        MeterProviderBuilder builder = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(settings.ServiceName))
            .AddMessagingTracing();
        if (settings.OtlpEndpoint is { } endpoint)
        {
            bool http = settings.OtlpProtocol == "http/protobuf";
            builder.AddOtlpExporter(options =>
            {
                options.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                // Set in code, the endpoint is used as is: HTTP needs the signal's path.
                options.Endpoint = http && endpoint.AbsolutePath is "" or "/" ? new Uri(endpoint, "v1/metrics") : endpoint;
            });
        }

        return builder.Build()!;
    }
}
