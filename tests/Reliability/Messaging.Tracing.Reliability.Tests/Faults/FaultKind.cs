namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>A fault injected into the instrumentation while messages flow.</summary>
public enum FaultKind
{
    /// <summary>EnrichProducerSpan, EnrichProcessSpan and every per-transport callback (filters, relationship selectors) throw.</summary>
    ThrowingCallbacks,

    /// <summary>An OpenTelemetry exporter that throws, behind a <c>SimpleActivityExportProcessor</c>.</summary>
    ThrowingExporterSimple,

    /// <summary>
    /// An OpenTelemetry exporter that fails every export (<c>ExportResult.Failure</c>, as OTLP does when the collector is
    /// down), behind a <c>BatchActivityExportProcessor</c>. Not a throwing one: with OpenTelemetry 1.20.1 an exception out of
    /// an exporter behind the batch processor is unhandled on the SDK's exporter thread and ends the process, whatever the
    /// instrumentation does.
    /// </summary>
    FailingExporterBatch,

    /// <summary>An exporter that blocks forever behind a small <c>BatchActivityExportProcessor</c>: its queue fills and spans are dropped.</summary>
    BlockingExporterBatch,

    /// <summary>A raw <c>ActivityListener</c> whose <c>ActivityStarted</c> throws.</summary>
    ThrowingListenerStarted,

    /// <summary>A raw <c>ActivityListener</c> whose <c>ActivityStopped</c> throws.</summary>
    ThrowingListenerStopped,

    /// <summary>An OpenTelemetry processor whose <c>OnStart</c> throws.</summary>
    ThrowingProcessorOnStart,

    /// <summary>An OpenTelemetry processor whose <c>OnEnd</c> throws.</summary>
    ThrowingProcessorOnEnd,
}
