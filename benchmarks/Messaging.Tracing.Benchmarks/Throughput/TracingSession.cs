using System;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>
/// The tracer provider of one throughput run: none for <see cref="ThroughputMode.Off"/>; for the traced modes the
/// <c>Messaging.Tracing</c> source with an always-on sampler and a <see cref="BatchActivityExportProcessor"/> into a
/// <see cref="CountingExporter"/>, or an always-off sampler (spans carry context but are not recorded).
/// </summary>
public sealed class TracingSession : IDisposable
{
    // Large enough that no span of a run is dropped (a run ends two spans per message), flushed often.
    private const int MaxQueueSize = 1 << 18;
    private const int ScheduledDelayMilliseconds = 200;
    private const int ExporterTimeoutMilliseconds = 30_000;
    private const int MaxExportBatchSize = 512;

    private readonly TracerProvider? _provider;

    private TracingSession(TracerProvider? provider, CountingExporter exporter)
    {
        _provider = provider;
        Exporter = exporter;
    }

    /// <summary>Gets the exporter (no spans for the untraced and unsampled modes).</summary>
    public CountingExporter Exporter { get; }

    /// <summary>Starts the provider of <paramref name="mode"/>.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>The session; dispose it after the run.</returns>
    public static TracingSession Start(ThroughputMode mode)
    {
        var exporter = new CountingExporter();
        if (mode == ThroughputMode.Off)
        {
            return new TracingSession(null, exporter);
        }

        TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .AddMessagingTracing()
            .SetSampler(mode == ThroughputMode.Sampled ? new AlwaysOnSampler() : new AlwaysOffSampler())
            .AddProcessor(new BatchActivityExportProcessor(exporter, MaxQueueSize, ScheduledDelayMilliseconds, ExporterTimeoutMilliseconds, MaxExportBatchSize))
            .Build();
        return new TracingSession(provider, exporter);
    }

    /// <summary>Exports what is still queued; part of a run's measured time.</summary>
    public void Flush() => _provider?.ForceFlush(ExporterTimeoutMilliseconds);

    /// <inheritdoc/>
    public void Dispose() => _provider?.Dispose();
}
