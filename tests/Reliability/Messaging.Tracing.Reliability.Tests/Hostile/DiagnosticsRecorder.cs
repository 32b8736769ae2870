using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using System.Linq;
using Messaging.Tracing.Diagnostics;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>Records what <see cref="MessagingTracingEventSource"/> writes while one case runs (the tests run one at a time).</summary>
public sealed class DiagnosticsRecorder : EventListener
{
    /// <summary>The id of <see cref="MessagingTracingEventSource.MalformedHeader"/>.</summary>
    public const int MalformedHeaderEventId = 1;

    private readonly ConcurrentQueue<EventWrittenEventArgs> _events = new();

    public IReadOnlyList<EventWrittenEventArgs> Events => _events.ToArray();

    public IReadOnlyList<EventWrittenEventArgs> MalformedHeaders => Events.Where(e => e.EventId == MalformedHeaderEventId).ToArray();

    /// <summary>Events at Error level: a fault caught inside the instrumentation.</summary>
    public IReadOnlyList<EventWrittenEventArgs> Faults => Events.Where(e => e.Level <= EventLevel.Error).ToArray();

    /// <summary>Every string in every payload, for checks that a header value never leaks into diagnostics.</summary>
    public IEnumerable<string> PayloadStrings => Events.SelectMany(e => e.Payload ?? []).Select(p => Convert.ToString(p, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        ArgumentNullException.ThrowIfNull(eventSource);
        if (eventSource.Name == MessagingTracingEventSource.SourceName)
        {
            EnableEvents(eventSource, EventLevel.Verbose);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.EventSource.Name == MessagingTracingEventSource.SourceName)
        {
            _events.Enqueue(eventData);
        }
    }
}
