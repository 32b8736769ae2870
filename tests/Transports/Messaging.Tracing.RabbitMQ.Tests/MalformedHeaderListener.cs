using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using System.Linq;
using Messaging.Tracing.Diagnostics;

namespace Messaging.Tracing.RabbitMQ.Tests;

/// <summary>Records the <c>MalformedHeader</c> events of <see cref="MessagingTracingEventSource"/> while it lives.</summary>
public sealed class MalformedHeaderListener : EventListener
{
    private readonly ConcurrentQueue<(string Header, int Length)> _reported = new();

    /// <summary>The (name, length) pairs reported for <paramref name="header"/>.</summary>
    public IReadOnlyList<(string Header, int Length)> Reported(string header) => _reported.Where(r => r.Header == header).ToArray();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource?.Name == MessagingTracingEventSource.SourceName)
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData?.EventName == "MalformedHeader" && eventData.Payload is [string header, int length])
        {
            _reported.Enqueue((header, length));
        }
    }
}
