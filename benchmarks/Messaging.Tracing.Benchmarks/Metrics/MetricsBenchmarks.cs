using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using BenchmarkDotNet.Attributes;
using Messaging.Tracing.Benchmarks.Infrastructure;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.RabbitMQ;
using Messaging.Tracing.Spans;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Metrics;

namespace Messaging.Tracing.Benchmarks.Metrics;

/// <summary>
/// What the metrics add to one message (issue 16): a hop — producer span and send measurement, inject, extract, process
/// scope (which measures itself: consumed count, time in queue, process duration) — with the meter off or aggregated by
/// an OpenTelemetry meter provider, for each way spans are listened. "Spans unsampled, metrics on" is the common
/// production setting.
/// </summary>
/// <remarks>
/// The meter provider's reader never exports during a case (its interval is infinite): the cost measured is recording
/// and aggregating, not exporting.
/// </remarks>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    private static readonly MessagingOperation Send = new("kafka", MessagingOperationType.Send, "send", "orders");
    private static readonly MessagingOperation Process = new("kafka", MessagingOperationType.Process, "process", "orders") { ConsumerGroupName = "billing", MessageTimestamp = System.DateTimeOffset.UtcNow };

    private readonly Dictionary<string, object?> _headers = new(5, System.StringComparer.Ordinal);
    private readonly MessagingTracer _tracer = MessagingTracer.Default;
    private BenchmarkListener? _listener;
    private MeterProvider? _meterProvider;

    /// <summary>Gets or sets who listens to the spans.</summary>
    [ParamsAllValues]
    public ListenerState Spans { get; set; }

    /// <summary>Gets or sets who listens to the meter.</summary>
    [ParamsAllValues]
    public MetricsState Metrics { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _listener = BenchmarkListener.Start(Spans, MessagingActivitySource.Name);
        if (Metrics == MetricsState.OpenTelemetry)
        {
            _meterProvider = Sdk.CreateMeterProviderBuilder()
                .AddMessagingTracing()
                .AddReader(new PeriodicExportingMetricReader(new DiscardingExporter(), Timeout.Infinite))
                .Build();
        }
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _meterProvider?.Dispose();
        _listener?.Dispose();
    }

    /// <summary>One hop with its measurements: the send measured until the span ends, the process scope measuring itself.</summary>
    /// <returns>The process span, so the work is not optimized away.</returns>
    [Benchmark]
    public Activity? Hop()
    {
        MessagingMeasurement send = MessagingMeasurement.Start(Send);
        Activity? producer = _tracer.StartProducer(Send);
        _tracer.Inject(producer, _headers, RabbitMqHeadersCarrierAdapter.Instance);
        producer?.Stop();
        send.Complete();

        PropagationContext incoming = _tracer.Extract(_headers, RabbitMqHeadersCarrierAdapter.Instance);
        using ProcessScope scope = _tracer.StartProcess(incoming, Process);
        return scope.Activity;
    }

    /// <summary>The measurements alone, without spans or propagation: a send and a process of one message.</summary>
    [Benchmark]
    public void MeasurementsOnly()
    {
        MessagingMeasurement.Start(Send).Complete();
        MessagingMeasurement.Start(Process).Complete();
    }

    private sealed class DiscardingExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
