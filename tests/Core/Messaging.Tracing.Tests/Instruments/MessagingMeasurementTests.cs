using System;
using System.Collections.Generic;
using System.Linq;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using OpenTelemetry.Context.Propagation;
using Xunit;

namespace Messaging.Tracing.Tests.Instruments;

/// <summary>
/// The measurements of the <c>Messaging.Tracing</c> meter. No ActivityListener is needed: metrics never depend on spans.
/// Each test measures its own destination, so tests running in parallel do not see each other's measurements; the class
/// runs alone because one test asserts that no span exists (a collector of a test running beside it would create one).
/// </summary>
[Collection(GlobalStateCollection.Name)]
public sealed class MessagingMeasurementTests : IDisposable
{
    private readonly string _destination = "metrics-" + Guid.NewGuid().ToString("N");
    private readonly MeasurementCollector _collector = new();
    private readonly MessagingTracer _tracer = new(new MessagingTracingOptions());

    public void Dispose() => _collector.Dispose();

    [Fact]
    public void A_send_records_its_duration_and_counts_its_messages_with_the_conventions_attributes()
    {
        MessagingMeasurement send = MessagingMeasurement.Start(Operation(MessagingOperationType.Send, "publish"), messageCount: 3);
        send.Complete();

        RecordedMeasurement duration = Assert.Single(_collector.For(MessagingMeter.ClientOperationDuration, _destination));
        Assert.Equal("s", duration.Unit);
        Assert.InRange(duration.Value, 0, 10);
        Assert.Equal(
            new Dictionary<string, object?>
            {
                ["messaging.system"] = "test",
                ["messaging.operation.name"] = "publish",
                ["messaging.operation.type"] = "send",
                ["messaging.destination.name"] = _destination,
            },
            duration.Tags);
        RecordedMeasurement sent = Assert.Single(_collector.For(MessagingMeter.SentMessages, _destination));
        Assert.Equal("{message}", sent.Unit);
        Assert.Equal(3, sent.Value);
        Assert.Empty(_collector.For(MessagingMeter.ConsumedMessages, _destination));
        Assert.Empty(_collector.For(MessagingMeter.ProcessDuration, _destination));
    }

    [Fact]
    public void A_failed_send_is_counted_with_its_error_type()
    {
        MessagingMeasurement.Start(Operation(MessagingOperationType.Send, "send")).Complete("TimedOut");

        Assert.Equal("TimedOut", Assert.Single(_collector.For(MessagingMeter.ClientOperationDuration, _destination)).Tag("error.type"));
        Assert.Equal("TimedOut", Assert.Single(_collector.For(MessagingMeter.SentMessages, _destination)).Tag("error.type"));
    }

    [Fact]
    public void Processing_counts_the_message_records_its_time_in_queue_and_its_duration_without_any_span()
    {
        var operation = new MessagingOperation("test", MessagingOperationType.Process, "process", _destination)
        {
            ConsumerGroupName = "billing",
            MessageTimestamp = DateTimeOffset.UtcNow.AddSeconds(-5),
        };

        using (ProcessScope scope = _tracer.StartProcess(default, operation))
        {
            Assert.Null(scope.Activity);
            Assert.Equal(1, _collector.Sum(MessagingMeter.ConsumedMessages, _destination));
            Assert.Empty(_collector.For(MessagingMeter.ProcessDuration, _destination));
        }

        RecordedMeasurement queued = Assert.Single(_collector.For(MessagingMeter.QueueDuration, _destination));
        Assert.Equal("s", queued.Unit);
        Assert.InRange(queued.Value, 5, 60);
        RecordedMeasurement processed = Assert.Single(_collector.For(MessagingMeter.ProcessDuration, _destination));
        Assert.Equal("billing", processed.Tag("messaging.consumer.group.name"));
        Assert.Equal("process", processed.Tag("messaging.operation.type"));
        Assert.Null(processed.Tag("error.type"));
    }

    [Fact]
    public void A_message_stamped_in_the_future_waited_zero_and_one_without_a_timestamp_records_no_time_in_queue()
    {
        var future = new MessagingOperation("test", MessagingOperationType.Process, "process", _destination) { MessageTimestamp = DateTimeOffset.UtcNow.AddMinutes(5) };
        var unstamped = new MessagingOperation("test", MessagingOperationType.Process, "process", _destination);

        _tracer.StartProcess(default, future).Dispose();
        _tracer.StartProcess(default, unstamped).Dispose();

        Assert.Equal(0, Assert.Single(_collector.For(MessagingMeter.QueueDuration, _destination)).Value);
        Assert.Equal(2, _collector.Sum(MessagingMeter.ConsumedMessages, _destination));
        Assert.Equal(2, _collector.For(MessagingMeter.ProcessDuration, _destination).Count);
    }

    [Theory]
    [InlineData(null, "System.InvalidOperationException")]
    [InlineData("BROKER_CODE", "BROKER_CODE")]
    public void A_failed_handler_gives_the_process_duration_its_error_type(string? code, string expected)
    {
        using (ProcessScope scope = _tracer.StartProcess(default, Operation(MessagingOperationType.Process, "process")))
        {
            var failure = new InvalidOperationException("handler failed");
            if (code is null)
            {
                scope.RecordException(failure);
            }
            else
            {
                scope.RecordException(failure, code);
            }
        }

        Assert.Equal(expected, Assert.Single(_collector.For(MessagingMeter.ProcessDuration, _destination)).Tag("error.type"));
        Assert.Null(Assert.Single(_collector.For(MessagingMeter.ConsumedMessages, _destination)).Tag("error.type"));
    }

    [Fact]
    public void A_batch_counts_each_message_and_records_one_processing()
    {
        var contexts = Enumerable.Range(0, 4).Select(_ => default(PropagationContext)).ToArray();

        _tracer.StartBatchProcess(contexts, Operation(MessagingOperationType.Process, "process")).Dispose();

        Assert.Equal(4, Assert.Single(_collector.For(MessagingMeter.ConsumedMessages, _destination)).Value);
        Assert.Single(_collector.For(MessagingMeter.ProcessDuration, _destination));
    }

    [Fact]
    public void A_template_replaces_the_per_entity_name_on_the_metrics()
    {
        string entity = _destination + "-order-123";
        var operation = new MessagingOperation("test", MessagingOperationType.Send, "append", entity) { DestinationTemplate = _destination };

        MessagingMeasurement.Start(operation).Complete();

        RecordedMeasurement sent = Assert.Single(_collector.For(MessagingMeter.SentMessages, _destination));
        Assert.Equal(_destination, sent.Tag("messaging.destination.template"));
        Assert.Null(sent.Tag("messaging.destination.name"));
    }

    [Fact]
    public void A_default_measurement_and_a_zero_count_are_handled()
    {
        default(MessagingMeasurement).Complete("ignored");

        Assert.Throws<ArgumentOutOfRangeException>(() => MessagingMeasurement.Start(Operation(MessagingOperationType.Send, "send"), messageCount: 0));
        Assert.Empty(_collector.For(MessagingMeter.SentMessages, _destination));
    }

    [Fact]
    public void A_listened_measurement_is_recording()
    {
        Assert.True(MessagingMeasurement.Start(Operation(MessagingOperationType.Send, "send")).IsRecording);
        Assert.False(default(MessagingMeasurement).IsRecording);
    }

    [Fact]
    public void Nothing_is_recorded_after_the_listener_stops()
    {
        _collector.Dispose();

        MessagingMeasurement.Start(Operation(MessagingOperationType.Send, "send")).Complete();

        Assert.Empty(_collector.For(MessagingMeter.SentMessages, _destination));
    }

    private MessagingOperation Operation(MessagingOperationType type, string name) => new("test", type, name, _destination);
}
