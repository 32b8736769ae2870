using System;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EventSourcing.Telemetry;

/// <summary>
/// The OpenTelemetry tracer provider, built by hand (no hosting package): Messaging.Tracing's spans, ASP.NET Core's
/// server spans (its own <c>Microsoft.AspNetCore</c> source) and the sample's spans; parent-based always-on sampling;
/// an OTLP exporter (Jaeger) when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class TracingSetup
{
    /// <summary>Builds the tracer provider; dispose it when the application ends (it flushes the exporter).</summary>
    /// <param name="settings">The settings.</param>
    /// <returns>The tracer provider.</returns>
    public static TracerProvider CreateTracerProvider(SampleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        TracerProviderBuilder builder = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(settings.ServiceName))
            .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
            .AddMessagingTracing()
            .AddSource(SampleTelemetry.AspNetCoreSourceName, SampleTelemetry.SourceName);
        if (settings.OtlpEndpoint is { } endpoint)
        {
            bool http = settings.OtlpProtocol == "http/protobuf";
            builder.AddOtlpExporter(options =>
            {
                options.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
                // Set in code, the endpoint is used as is: HTTP needs the signal's path.
                options.Endpoint = http && endpoint.AbsolutePath is "" or "/" ? new Uri(endpoint, "v1/traces") : endpoint;
            });
        }

        return builder.Build()!;
    }
}
