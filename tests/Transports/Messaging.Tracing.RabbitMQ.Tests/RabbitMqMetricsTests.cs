using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Xunit;

namespace Messaging.Tracing.RabbitMQ.Tests;

/// <summary>The measurements of traced publishing and consuming, told apart from other tests' by the unique exchange.</summary>
[Collection(RabbitMqBroker.CollectionName)]
public class RabbitMqMetricsTests(RabbitMqBroker broker)
{
    public static TheoryData<string> Listeners => ["spans recorded", "spans unsampled", "no ActivityListener"];

    [Theory]
    [MemberData(nameof(Listeners))]
    public async Task Every_publish_and_delivery_is_measured_whatever_the_spans(string listener)
    {
        using var measurements = new MeasurementCollector();
        using IDisposable? spans = Listen(listener);
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker, publisherConfirms: true);
        int handled = 0;
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (_, _) =>
        {
            Interlocked.Increment(ref handled);
            return Task.CompletedTask;
        });

        for (int i = 0; i < 3; i++)
        {
            await queue.PublishTracedAsync();
        }

        IReadOnlyList<RecordedMeasurement> processed = await measurements.WaitForAsync(MessagingMeter.ProcessDuration, queue.ProcessDestination, 3, RabbitMqTestQueue.Timeout);
        Assert.Equal(3, Volatile.Read(ref handled));

        // Sent: one duration and one count per publish, completed when the confirm came.
        IReadOnlyList<RecordedMeasurement> sent = measurements.For(MessagingMeter.SentMessages, queue.Destination);
        IReadOnlyList<RecordedMeasurement> published = measurements.For(MessagingMeter.ClientOperationDuration, queue.Destination);
        Assert.Equal(3, sent.Sum(m => m.Value));
        Assert.Equal(3, published.Count);
        Assert.All(sent, m => Assert.Equal("{message}", m.Unit));
        Assert.All(published, m => Assert.Equal("s", m.Unit));
        Assert.All(sent.Concat(published), m => AssertAttributes(m, "publish", "send", queue.Destination));

        // Consumed: one count and one processing duration per delivery, no queue time without a timestamp.
        IReadOnlyList<RecordedMeasurement> consumed = measurements.For(MessagingMeter.ConsumedMessages, queue.ProcessDestination);
        Assert.Equal(3, consumed.Sum(m => m.Value));
        Assert.Equal(3, processed.Count);
        Assert.All(processed, m => Assert.Equal("s", m.Unit));
        Assert.All(consumed.Concat(processed), m => AssertAttributes(m, "process", "process", queue.ProcessDestination));
        Assert.Empty(measurements.For(MessagingMeter.QueueDuration, queue.ProcessDestination));
    }

    [Fact]
    public async Task A_returned_mandatory_message_is_counted_as_sent_with_its_error_type()
    {
        using var measurements = new MeasurementCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker, publisherConfirms: true);
        string unrouted = $"{queue.Exchange}:no.such.binding";

        await queue.PublishTracedAsync();
        await Assert.ThrowsAnyAsync<PublishException>(
            () => queue.Publisher.BasicPublishTracedAsync(MessagingTracer.Default, queue.Exchange, "no.such.binding", mandatory: true, properties: null, "v"u8.ToArray()).AsTask());

        RecordedMeasurement confirmed = Assert.Single(measurements.For(MessagingMeter.SentMessages, queue.Destination));
        Assert.Null(confirmed.Tag(MessagingAttributes.ErrorType));
        RecordedMeasurement returned = Assert.Single(measurements.For(MessagingMeter.SentMessages, unrouted));
        Assert.Equal(1, returned.Value);
        Assert.Equal(RabbitMqAttributes.ReturnedErrorType, returned.Tag(MessagingAttributes.ErrorType));
        RecordedMeasurement duration = Assert.Single(measurements.For(MessagingMeter.ClientOperationDuration, unrouted));
        Assert.Equal(RabbitMqAttributes.ReturnedErrorType, duration.Tag(MessagingAttributes.ErrorType));
    }

    [Fact]
    public async Task A_handler_failure_is_the_error_type_of_the_processing_duration()
    {
        using var measurements = new MeasurementCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (_, _) => throw new InvalidOperationException("handler bug"));

        await queue.PublishTracedAsync();

        RecordedMeasurement processed = Assert.Single(await measurements.WaitForAsync(MessagingMeter.ProcessDuration, queue.ProcessDestination, 1, RabbitMqTestQueue.Timeout));
        Assert.Equal(typeof(InvalidOperationException).FullName, processed.Tag(MessagingAttributes.ErrorType));
        Assert.Null(Assert.Single(measurements.For(MessagingMeter.ConsumedMessages, queue.ProcessDestination)).Tag(MessagingAttributes.ErrorType));
    }

    [Fact]
    public async Task The_queue_time_is_measured_from_the_AMQP_timestamp()
    {
        using var measurements = new MeasurementCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        await ConsumeAsync(queue);
        long tenSecondsAgo = DateTimeOffset.UtcNow.AddSeconds(-10).ToUnixTimeSeconds();

        await queue.PublishTracedAsync(new BasicProperties { Timestamp = new AmqpTimestamp(tenSecondsAgo) });

        RecordedMeasurement queued = Assert.Single(await measurements.WaitForAsync(MessagingMeter.QueueDuration, queue.ProcessDestination, 1, RabbitMqTestQueue.Timeout));
        Assert.Equal("s", queued.Unit);

        // Seconds resolution: the timestamp was truncated, so the value reads up to a second high, never lower than 10 s - 1 s.
        Assert.InRange(queued.Value, 9, 10 + RabbitMqTestQueue.Timeout.TotalSeconds);
        AssertAttributes(queued, "process", "process", queue.ProcessDestination);
    }

    [Fact]
    public async Task The_brokers_timestamp_in_ms_header_is_preferred_to_the_AMQP_timestamp()
    {
        using var measurements = new MeasurementCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        await ConsumeAsync(queue);
        long hourAgo = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        long fiveSecondsAgoMs = DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeMilliseconds();

        await queue.PublishTracedAsync(new BasicProperties
        {
            Timestamp = new AmqpTimestamp(hourAgo),
            Headers = new Dictionary<string, object?> { ["timestamp_in_ms"] = fiveSecondsAgoMs },
        });

        // A malformed header (not a long) is ignored: the AMQP timestamp counts.
        await queue.PublishTracedAsync(new BasicProperties
        {
            Timestamp = new AmqpTimestamp(hourAgo),
            Headers = new Dictionary<string, object?> { ["timestamp_in_ms"] = "yesterday"u8.ToArray() },
        });

        IReadOnlyList<RecordedMeasurement> queued = await measurements.WaitForAsync(MessagingMeter.QueueDuration, queue.ProcessDestination, 2, RabbitMqTestQueue.Timeout);
        Assert.InRange(queued[0].Value, 5, 5 + RabbitMqTestQueue.Timeout.TotalSeconds);
        Assert.InRange(queued[1].Value, 3599, 3600 + RabbitMqTestQueue.Timeout.TotalSeconds);
    }

    [Fact]
    public async Task Routing_keys_per_entity_can_be_left_out_of_the_metrics_as_a_template()
    {
        using var measurements = new MeasurementCollector();
        using var collector = new SpanCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        var options = new RabbitMqTracingOptions { RoutingKeyInMetrics = false };
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (_, _) => Task.CompletedTask, options);

        await queue.PublishTracedAsync(options: options);

        string publishTemplate = $"{queue.Exchange}:{{routing_key}}";
        string processTemplate = $"{queue.Exchange}:{{routing_key}}:{queue.Name}";
        await measurements.WaitForAsync(MessagingMeter.ProcessDuration, processTemplate, 1, RabbitMqTestQueue.Timeout);
        RecordedMeasurement sent = Assert.Single(measurements.For(MessagingMeter.SentMessages, publishTemplate));
        Assert.Equal(publishTemplate, sent.Tag(MessagingAttributes.DestinationTemplate));
        Assert.Null(sent.Tag(MessagingAttributes.DestinationName));
        RecordedMeasurement consumed = Assert.Single(measurements.For(MessagingMeter.ConsumedMessages, processTemplate));
        Assert.Null(consumed.Tag(MessagingAttributes.DestinationName));
        Assert.Empty(measurements.For(MessagingMeter.SentMessages, queue.Destination));

        // Spans keep the name and carry the template too.
        Activity publish = Assert.Single(collector.Spans, s => s.Kind == ActivityKind.Producer);
        Assert.Equal(queue.Destination, publish.GetTagItem(MessagingAttributes.DestinationName));
        Assert.Equal(publishTemplate, publish.GetTagItem(MessagingAttributes.DestinationTemplate));
    }

    [Fact]
    public async Task A_server_named_queue_is_never_a_metric_destination()
    {
        using var measurements = new MeasurementCollector();
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker);
        QueueDeclareOk serverNamed = await queue.Consumer.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
        Assert.StartsWith("amq.gen-", serverNamed.QueueName, StringComparison.Ordinal);
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, serverNamed.QueueName, autoAck: true, (_, _) => Task.CompletedTask);

        // A reply through the default exchange: the routing key is the server-named queue.
        await queue.Publisher.BasicPublishTracedAsync(MessagingTracer.Default, string.Empty, serverNamed.QueueName, "reply"u8.ToArray());

        await measurements.WaitForAsync(MessagingMeter.ProcessDuration, "amq.default:{routing_key}:{queue}", 1, RabbitMqTestQueue.Timeout);
        Assert.NotEmpty(measurements.For(MessagingMeter.SentMessages, "amq.default:{routing_key}"));
        Assert.DoesNotContain(measurements.Measurements, m => m.Tags.Values.OfType<string>().Any(v => v.Contains(serverNamed.QueueName, StringComparison.Ordinal)));
    }

    private static Task ConsumeAsync(RabbitMqTestQueue queue)
        => queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (_, _) => Task.CompletedTask);

    private static void AssertAttributes(RecordedMeasurement measurement, string operationName, string operationType, string destination)
    {
        Assert.Equal("rabbitmq", measurement.Tag(MessagingAttributes.System));
        Assert.Equal(operationName, measurement.Tag(MessagingAttributes.OperationName));
        Assert.Equal(operationType, measurement.Tag(MessagingAttributes.OperationType));
        Assert.Equal(destination, measurement.Tag(MessagingAttributes.DestinationName));
        Assert.Null(measurement.Tag(MessagingAttributes.ErrorType));
        Assert.Null(measurement.Tag(MessagingAttributes.DestinationTemplate));
    }

    /// <summary>Spans recorded (a <see cref="SpanCollector"/>), created but unsampled, or nothing listening at all.</summary>
    private static IDisposable? Listen(string listener)
    {
        switch (listener)
        {
            case "spans recorded":
                return new SpanCollector();
            case "spans unsampled":
                var unsampled = new ActivityListener
                {
                    ShouldListenTo = source => source.Name == MessagingActivitySource.Name,
                    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
                };
                ActivitySource.AddActivityListener(unsampled);
                return unsampled;
            default:
                return null;
        }
    }
}
