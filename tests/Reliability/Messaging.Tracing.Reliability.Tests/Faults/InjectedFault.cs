using System;
using System.Diagnostics;
using System.Threading;
using Messaging.Tracing.Spans;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>
/// One fault of <see cref="FaultKind"/>, installed for the test's lifetime: a tracer whose callbacks throw, or a tracer
/// provider / activity listener on <c>Messaging.Tracing</c> that throws or blocks. Counts every time the fault fired.
/// </summary>
public sealed class InjectedFault : IDisposable
{
    /// <summary>Exporter queue of the blocking case: small, so it fills after a few messages and spans are dropped.</summary>
    private const int BlockedQueueSize = 16;

    /// <summary>How long the batch processor may take to hand the primer span to the blocking exporter.</summary>
    private static readonly TimeSpan BlockTimeout = TimeSpan.FromSeconds(10);

    private readonly TracerProvider? _provider;
    private readonly ActivityListener? _listener;
    private readonly ThrowingExporter? _throwingExporter;
    private readonly BlockingExporter? _blockingExporter;
    private readonly ThrowingProcessor? _throwingProcessor;
    private int _callbacks;
    private int _listenerCalls;

    private InjectedFault(FaultKind kind)
    {
        Kind = kind;
        bool callbacks = kind == FaultKind.ThrowingCallbacks;
        Tracer = new MessagingTracer(new MessagingTracingOptions
        {
            EnrichProducerSpan = callbacks ? (_, _) => Throw<bool>(nameof(MessagingTracingOptions.EnrichProducerSpan)) : null,
            EnrichProcessSpan = callbacks ? (_, _) => Throw<bool>(nameof(MessagingTracingOptions.EnrichProcessSpan)) : null,
        });
        ThrowsInCallbacks = callbacks;

        TracerProviderBuilder? builder = Sdk.CreateTracerProviderBuilder().AddSource(MessagingActivitySource.Name).SetSampler(new AlwaysOnSampler());
        switch (kind)
        {
            case FaultKind.ThrowingExporterSimple:
                _throwingExporter = new ThrowingExporter(throws: true);
                builder!.AddProcessor(new SimpleActivityExportProcessor(_throwingExporter));
                break;
            case FaultKind.FailingExporterBatch:
                _throwingExporter = new ThrowingExporter(throws: false);
                builder!.AddProcessor(new BatchActivityExportProcessor(_throwingExporter, scheduledDelayMilliseconds: 10));
                break;
            case FaultKind.BlockingExporterBatch:
                _blockingExporter = new BlockingExporter();
                builder!.AddProcessor(new BatchActivityExportProcessor(_blockingExporter, maxQueueSize: BlockedQueueSize, scheduledDelayMilliseconds: 10, maxExportBatchSize: BlockedQueueSize));
                break;
            case FaultKind.ThrowingProcessorOnStart:
            case FaultKind.ThrowingProcessorOnEnd:
                _throwingProcessor = new ThrowingProcessor(onStart: kind == FaultKind.ThrowingProcessorOnStart);
                builder!.AddProcessor(_throwingProcessor);
                break;
            case FaultKind.ThrowingListenerStarted:
            case FaultKind.ThrowingListenerStopped:
                bool started = kind == FaultKind.ThrowingListenerStarted;
                _listener = new ActivityListener
                {
                    ShouldListenTo = source => source.Name == MessagingActivitySource.Name,
                    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                    ActivityStarted = started ? _ => ThrowFromListener("ActivityStarted") : null,
                    ActivityStopped = started ? null : _ => ThrowFromListener("ActivityStopped"),
                };
                ActivitySource.AddActivityListener(_listener);
                builder = null;
                break;
            default:
                break; // ThrowingCallbacks: a provider that records, so enrichment runs.
        }

        _provider = builder?.Build();
        if (_blockingExporter is not null)
        {
            // Block the exporter before the first message: everything the test sends then flows past a stuck exporter.
            using (var primer = new ActivitySource(MessagingActivitySource.Name))
            {
                primer.StartActivity("primer")?.Stop();
            }

            if (!SpinWait.SpinUntil(() => _blockingExporter.Calls > 0, BlockTimeout))
            {
                throw new TimeoutException($"the batch processor did not call the exporter within {BlockTimeout.TotalSeconds:0} s");
            }
        }
    }

    /// <summary>Gets the fault.</summary>
    public FaultKind Kind { get; }

    /// <summary>Gets the tracer the transports use (its enrichment callbacks throw for <see cref="FaultKind.ThrowingCallbacks"/>).</summary>
    public MessagingTracer Tracer { get; }

    /// <summary>Gets a value indicating whether the per-transport callbacks (<see cref="Filter"/>, <see cref="SelectRelationship"/>) throw.</summary>
    public bool ThrowsInCallbacks { get; }

    /// <summary>Gets how many times the fault fired.</summary>
    public int Injected => Volatile.Read(ref _callbacks) + Volatile.Read(ref _listenerCalls)
        + (_throwingExporter?.Calls ?? 0) + (_blockingExporter?.Calls ?? 0) + (_throwingProcessor?.Calls ?? 0);

    /// <summary>
    /// Gets a value indicating whether Messaging.Tracing itself must report each injected fault: a fault that reaches
    /// our code (a callback, or a listener that makes <see cref="Activity.Start"/>/<see cref="Activity.Stop"/> throw).
    /// An exporter's fault stays inside the OpenTelemetry SDK, which reports it through its own event source.
    /// </summary>
    public bool ReportedByUs => Kind is not (FaultKind.ThrowingExporterSimple or FaultKind.FailingExporterBatch or FaultKind.BlockingExporterBatch);

    /// <summary>Creates and installs a fault.</summary>
    /// <param name="kind">Which fault.</param>
    /// <returns>The fault; dispose it to remove it.</returns>
    public static InjectedFault Install(FaultKind kind) => new(kind);

    /// <summary>A topic/queue/stream filter: throws when <see cref="ThrowsInCallbacks"/>, else lets everything be traced.</summary>
    /// <param name="name">The destination.</param>
    /// <returns><see langword="true"/>.</returns>
    public bool Filter(string name) => !ThrowsInCallbacks || Throw<bool>("filter " + name);

    /// <summary>A relationship selector: throws when <see cref="ThrowsInCallbacks"/>, else leaves the default.</summary>
    /// <param name="message">The transport's message.</param>
    /// <returns><see langword="null"/>.</returns>
    public MessageRelationship? SelectRelationship(object message) => ThrowsInCallbacks ? Throw<MessageRelationship?>("relationship selector") : null;

    /// <summary>Exports what the batch processor holds (a throwing exporter then throws inside the SDK).</summary>
    public void Flush()
    {
        if (_blockingExporter is null)
        {
            _provider?.ForceFlush(timeoutMilliseconds: 5_000);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _blockingExporter?.Release();
        _listener?.Dispose();
        _provider?.Dispose();
    }

    private T Throw<T>(string where)
    {
        Interlocked.Increment(ref _callbacks);
        throw new InjectedFaultException(where);
    }

    private void ThrowFromListener(string where)
    {
        Interlocked.Increment(ref _listenerCalls);
        throw new InjectedFaultException(where);
    }
}
