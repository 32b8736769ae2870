using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Linq;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Instruments;
using Xunit;

namespace Messaging.Tracing.Tests.Instruments;

public sealed class MetricDestinationsTests
{
    [Fact]
    public void The_first_names_up_to_the_limit_are_carried_then_new_ones_are_not_and_it_is_reported_once()
    {
        var destinations = new MetricDestinations(limit: 2);
        using var reports = new LimitListener();

        Assert.True(destinations.Admit("a"));
        Assert.True(destinations.Admit("b"));
        Assert.True(destinations.Admit("a"));
        Assert.False(destinations.Admit("c"));
        Assert.False(destinations.Admit("d"));
        Assert.True(destinations.Admit("b"));

        // The shared guard of other tests may report too: this one's limit (2) is reported once.
        Assert.Equal(1, reports.Limits.Count(limit => limit == 2));
    }

    [Fact]
    public void The_process_wide_limit_is_a_thousand_names() => Assert.Equal(1000, MetricDestinations.Limit);

    private sealed class LimitListener : EventListener
    {
        public ConcurrentQueue<int> Limits { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == MessagingTracingEventSource.SourceName)
            {
                EnableEvents(eventSource, EventLevel.Warning);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName == nameof(MessagingTracingEventSource.MetricDestinationLimitReached))
            {
                Limits.Enqueue((int)eventData.Payload![0]!);
            }
        }
    }
}
