using System.Diagnostics.Tracing;
using System.Threading;
using Messaging.Tracing.Diagnostics;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>
/// Counts the error events of Messaging.Tracing's self-diagnostics (<c>Messaging-Tracing</c>) and of the OpenTelemetry
/// SDK (<c>OpenTelemetry-Sdk</c>) while it lives. The reliability assembly runs one test at a time, so the counts are the test's.
/// </summary>
public sealed class DiagnosticsRecorder : EventListener
{
    private const string SdkSourceName = "OpenTelemetry-Sdk";
    private int _ours;
    private int _sdk;
    private volatile bool _recording;

    /// <summary>Initializes a new instance of the <see cref="DiagnosticsRecorder"/> class and starts counting.</summary>
    public DiagnosticsRecorder() => _recording = true;

    /// <summary>Gets the Messaging-Tracing error events (InstrumentationFailed, CallbackFailed, InjectFailed, ExtractFailed).</summary>
    public int Reported => Volatile.Read(ref _ours);

    /// <summary>Gets the OpenTelemetry SDK's error events (its own reports of exporter and processor faults).</summary>
    public int ReportedBySdk => Volatile.Read(ref _sdk);

    /// <inheritdoc/>
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        // Called from the base constructor too, before this instance's fields are set: only enabling here.
        if (eventSource.Name is MessagingTracingEventSource.SourceName or SdkSourceName)
        {
            EnableEvents(eventSource, EventLevel.Error);
        }
    }

    /// <inheritdoc/>
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.Level > EventLevel.Error)
        {
            return;
        }

        if (eventData.EventSource.Name == MessagingTracingEventSource.SourceName)
        {
            Interlocked.Increment(ref _ours);
        }
        else if (eventData.EventSource.Name == SdkSourceName)
        {
            Interlocked.Increment(ref _sdk);
        }
    }
}
