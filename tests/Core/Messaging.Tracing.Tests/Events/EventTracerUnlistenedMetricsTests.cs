using System;
using System.Collections.Generic;
using System.Diagnostics;
using Messaging.Tracing.Events;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using Xunit;

namespace Messaging.Tracing.Tests.Events;

/// <summary>With no <c>ActivityListener</c> at all (no span exists), appends and handling are still counted.</summary>
[Collection(GlobalStateCollection.Name)]
public class EventTracerUnlistenedMetricsTests
{
    [Fact]
    public void Appends_and_handling_are_counted_when_no_span_exists()
    {
        using (var probe = new ActivitySource(MessagingActivitySource.Name))
        {
            Assert.False(probe.HasListeners(), "no collector or tracer provider may be active while this test runs");
        }

        using var metrics = new MeasurementCollector();
        var events = new EventTracer(new MessagingTracer(new MessagingTracingOptions()));
        string streamType = "band-" + Guid.NewGuid().ToString("N");
        string subscriber = "projection-" + Guid.NewGuid().ToString("N");

        using (AppendScope append = events.StartAppend("band-42", streamType: streamType, eventCount: 2))
        {
            Assert.Null(append.Activity);
        }

        using (ProcessScope scope = events.StartHandling(new Dictionary<string, string>(), subscriber, EventDelivery.Live, storedAt: DateTimeOffset.UtcNow))
        {
            Assert.Null(scope.Activity);
        }

        Assert.Equal(2, metrics.Sum(MessagingMeter.SentMessages, streamType));
        Assert.Single(metrics.For(MessagingMeter.ClientOperationDuration, streamType));
        Assert.Equal(1, metrics.Sum(MessagingMeter.ConsumedMessages, subscriber));
        Assert.Single(metrics.For(MessagingMeter.ProcessDuration, subscriber));
        Assert.Single(metrics.For(MessagingMeter.QueueDuration, subscriber));
    }
}
