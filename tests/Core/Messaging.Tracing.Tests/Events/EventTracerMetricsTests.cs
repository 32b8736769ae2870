using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Messaging.Tracing.Events;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using Xunit;

namespace Messaging.Tracing.Tests.Events;

/// <summary>
/// The metrics of event metadata. Each test names its own event store (<c>messaging.system</c>) and stream types or
/// subscribers, and reads only those measurements: metrics are process-wide.
/// </summary>
public class EventTracerMetricsTests
{
    private readonly string _system = "eventstore-" + Guid.NewGuid().ToString("N");
    private readonly EventTracer _events;

    public EventTracerMetricsTests() => _events = new EventTracer(new MessagingTracer(new MessagingTracingOptions()), _system);

    [Fact]
    public void An_append_counts_its_events_under_the_stream_type_never_the_stream_and_the_span_names_the_type()
    {
        using var spans = new SpanCollector();
        using var metrics = new MeasurementCollector();
        string streamType = "band-" + Guid.NewGuid().ToString("N");

        using (AppendScope append = _events.StartAppend("band-42", streamType: streamType, eventCount: 3))
        {
            Assert.Same(append.Activity, Activity.Current);
        }

        RecordedMeasurement sent = Assert.Single(metrics.For(MessagingMeter.SentMessages, streamType));
        Assert.Equal(3, sent.Value);
        Assert.Equal("{message}", sent.Unit);
        RecordedMeasurement duration = Assert.Single(metrics.For(MessagingMeter.ClientOperationDuration, streamType));
        Assert.Equal("s", duration.Unit);
        Assert.True(duration.Value >= 0);
        foreach (RecordedMeasurement measurement in new[] { sent, duration })
        {
            Assert.Equal(_system, measurement.Tag(MessagingAttributes.System));
            Assert.Equal("append", measurement.Tag(MessagingAttributes.OperationName));
            Assert.Equal("send", measurement.Tag(MessagingAttributes.OperationType));
            Assert.Equal(streamType, measurement.Tag(MessagingAttributes.DestinationTemplate));
            Assert.Null(measurement.Tag(MessagingAttributes.DestinationName));
            Assert.Null(measurement.Tag(MessagingAttributes.ErrorType));
        }

        Activity span = Assert.Single(spans.Spans, s => Equals(s.GetTagItem(MessagingAttributes.System), _system));
        Assert.Equal("append " + streamType, span.DisplayName);
        Assert.Equal("band-42", span.GetTagItem(MessagingAttributes.DestinationName));
        Assert.Equal(streamType, span.GetTagItem(MessagingAttributes.DestinationTemplate));
    }

    [Fact]
    public void An_append_without_a_stream_type_is_measured_without_a_destination()
    {
        using var metrics = new MeasurementCollector();

        using (_events.StartAppend("band-" + Guid.NewGuid().ToString("N"), eventCount: 2))
        {
        }

        RecordedMeasurement sent = Assert.Single(Mine(metrics, MessagingMeter.SentMessages));
        Assert.Equal(2, sent.Value);
        RecordedMeasurement duration = Assert.Single(Mine(metrics, MessagingMeter.ClientOperationDuration));
        Assert.All(new[] { sent, duration }, m => Assert.Null(m.Destination));
    }

    [Fact]
    public void A_failed_append_is_counted_with_its_error_type_and_measured_once()
    {
        using var metrics = new MeasurementCollector();
        string streamType = "band-" + Guid.NewGuid().ToString("N");

        AppendScope append = _events.StartAppend("band-42", streamType: streamType);
        append.RecordException(new InvalidOperationException("wrong expected version"), "wrong_expected_version");
        append.Dispose();
        append.Dispose();

        RecordedMeasurement sent = Assert.Single(metrics.For(MessagingMeter.SentMessages, streamType));
        Assert.Equal(1, sent.Value);
        Assert.Equal("wrong_expected_version", sent.Tag(MessagingAttributes.ErrorType));
        Assert.Equal("wrong_expected_version", Assert.Single(metrics.For(MessagingMeter.ClientOperationDuration, streamType)).Tag(MessagingAttributes.ErrorType));
    }

    [Fact]
    public void Handling_counts_the_event_and_measures_the_handling_under_the_subscriber()
    {
        using var metrics = new MeasurementCollector();
        string subscriber = "projection-" + Guid.NewGuid().ToString("N");

        using (_events.StartHandling(new Dictionary<string, string>(), subscriber, EventDelivery.Live))
        {
        }

        using (ProcessScope failed = _events.StartHandling(new Dictionary<string, string>(), subscriber, EventDelivery.Replay))
        {
            failed.RecordException(new InvalidOperationException("handler failed"));
        }

        IReadOnlyList<RecordedMeasurement> consumed = metrics.For(MessagingMeter.ConsumedMessages, subscriber);
        Assert.Equal(2, consumed.Count);
        Assert.All(consumed, m =>
        {
            Assert.Equal(1, m.Value);
            Assert.Equal("process", m.Tag(MessagingAttributes.OperationType));
            Assert.Equal(subscriber, m.Tag(MessagingAttributes.DestinationName));
            Assert.Null(m.Tag(MessagingAttributes.ErrorType));
        });
        IReadOnlyList<RecordedMeasurement> durations = metrics.For(MessagingMeter.ProcessDuration, subscriber);
        Assert.Equal(2, durations.Count);
        Assert.Null(durations[0].Tag(MessagingAttributes.ErrorType));
        Assert.Equal(typeof(InvalidOperationException).FullName, durations[1].Tag(MessagingAttributes.ErrorType));
    }

    [Fact]
    public void A_live_event_measures_its_time_in_queue_from_when_it_was_stored_and_a_replayed_one_none()
    {
        using var metrics = new MeasurementCollector();
        string live = "live-" + Guid.NewGuid().ToString("N");
        string replay = "replay-" + Guid.NewGuid().ToString("N");
        string unknown = "unknown-" + Guid.NewGuid().ToString("N");
        DateTimeOffset storedAt = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(30);

        using (_events.StartHandling(new Dictionary<string, string>(), live, EventDelivery.Live, storedAt: storedAt))
        {
        }

        using (_events.StartHandling(new Dictionary<string, string>(), replay, EventDelivery.Replay, storedAt: storedAt))
        {
        }

        using (_events.StartHandling(new Dictionary<string, string>(), unknown, EventDelivery.Live))
        {
        }

        RecordedMeasurement queued = Assert.Single(metrics.For(MessagingMeter.QueueDuration, live));
        Assert.Equal("s", queued.Unit);
        Assert.InRange(queued.Value, 30, 30 + 60);
        Assert.Empty(metrics.For(MessagingMeter.QueueDuration, replay));
        Assert.Empty(metrics.For(MessagingMeter.QueueDuration, unknown));
        Assert.Single(metrics.For(MessagingMeter.ConsumedMessages, replay));
        Assert.Single(metrics.For(MessagingMeter.ConsumedMessages, unknown));
    }

    private IReadOnlyList<RecordedMeasurement> Mine(MeasurementCollector metrics, string instrument) =>
        metrics.For(instrument).Where(m => m.Tag(MessagingAttributes.System) == _system).ToArray();
}
