using System;
using System.Threading;
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

    // How long the last spans of a run may take to end once their messages were counted (they end microseconds later).
    private static readonly TimeSpan SpanEndTimeout = TimeSpan.FromSeconds(10);

    private readonly TracerProvider? _provider;
    private readonly OpenSpanCounter _openSpans;

    private TracingSession(TracerProvider? provider, CountingExporter exporter, OpenSpanCounter openSpans)
    {
        _provider = provider;
        _openSpans = openSpans;
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
        var openSpans = new OpenSpanCounter();
        if (mode == ThroughputMode.Off)
        {
            return new TracingSession(null, exporter, openSpans);
        }

        TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .AddMessagingTracing()
            .SetSampler(mode == ThroughputMode.Sampled ? new AlwaysOnSampler() : new AlwaysOffSampler())
            .AddProcessor(openSpans)
            .AddProcessor(new BatchActivityExportProcessor(exporter, MaxQueueSize, ScheduledDelayMilliseconds, ExporterTimeoutMilliseconds, MaxExportBatchSize))
            .Build();
        return new TracingSession(provider, exporter, openSpans);
    }

    /// <summary>Waits (bounded) until every recorded span has ended, then exports what is still queued; part of a run's measured time.</summary>
    /// <exception cref="TimeoutException">A span did not end within the bound.</exception>
    public void Flush()
    {
        if (!SpinWait.SpinUntil(() => _openSpans.Open == 0, SpanEndTimeout))
        {
            throw new TimeoutException($"{_openSpans.Open} spans were still open {SpanEndTimeout.TotalSeconds:0} s after their messages were handled.");
        }

        _provider?.ForceFlush(ExporterTimeoutMilliseconds);
    }

    /// <inheritdoc/>
    public void Dispose() => _provider?.Dispose();
}
