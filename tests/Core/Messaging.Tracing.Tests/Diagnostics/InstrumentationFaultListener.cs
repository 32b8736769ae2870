using System;
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Linq;
using Messaging.Tracing.Diagnostics;

namespace Messaging.Tracing.Tests.Diagnostics;

/// <summary>Records the <c>InstrumentationFailed</c> reports of the library's event source: a listener's fault the message path survived.</summary>
public sealed class InstrumentationFaultListener : EventListener
{
    private readonly ConcurrentQueue<string> _reports = new();

    /// <summary>How many reports mention <paramref name="marker"/> (a test's unique span name or destination).</summary>
    public int Count(string marker) => _reports.Count(report => report.Contains(marker, StringComparison.Ordinal));

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == MessagingTracingEventSource.SourceName)
        {
            EnableEvents(eventSource, EventLevel.Error);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName == nameof(MessagingTracingEventSource.InstrumentationFailed))
        {
            _reports.Enqueue(string.Join('|', eventData.Payload!));
        }
    }
}
