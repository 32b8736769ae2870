using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Testing;
using Xunit;

namespace Messaging.Tracing.Kafka.Tests;

[Collection(KafkaCluster.CollectionName)]
public class TracedProducerMetricsTests(KafkaCluster cluster)
{
    [Fact]
    public async Task A_send_records_its_duration_until_the_delivery_report_and_one_sent_message()
    {
        using var metrics = new MeasurementCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        long started = Stopwatch.GetTimestamp();

        await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Key = "order-1", Value = "created" });

        double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        RecordedMeasurement duration = Assert.Single(metrics.For(MessagingMeter.ClientOperationDuration, topic.Name));
        RecordedMeasurement sent = Assert.Single(metrics.For(MessagingMeter.SentMessages, topic.Name));
        Assert.Equal("s", duration.Unit);
        Assert.InRange(duration.Value, 0, elapsed);
        Assert.Equal("{message}", sent.Unit);
        Assert.Equal(1, sent.Value);
        foreach (RecordedMeasurement measurement in new[] { duration, sent })
        {
            Assert.Equal("kafka", measurement.Tag("messaging.system"));
            Assert.Equal("send", measurement.Tag("messaging.operation.name"));
            Assert.Equal("send", measurement.Tag("messaging.operation.type"));
            Assert.Equal(topic.Name, measurement.Tag("messaging.destination.name"));
            Assert.False(measurement.Tags.ContainsKey("error.type"));
            Assert.False(measurement.Tags.ContainsKey("messaging.consumer.group.name"));
            Assert.False(measurement.Tags.ContainsKey("messaging.kafka.message.key"));
        }
    }

    [Fact]
    public async Task A_failed_send_is_counted_with_the_kafka_error_code_on_every_produce_path_and_way_of_failing()
    {
        using var metrics = new MeasurementCollector();
        using var spans = new SpanCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        var missing = new TopicPartition(topic.Name, topic.Partitions + 40);
        var failed = new TaskCompletionSource<DeliveryReport<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);

        // The report first: once the producer knows the topic's partitions, it refuses a missing one at once.
        topic.Producer.Produce(missing, new Message<string, string> { Value = "lost" }, report => failed.TrySetResult(report));
        DeliveryReport<string, string> report = await failed.Task.WaitAsync(KafkaTestTopic.Timeout);
        ProduceException<string, string> thrown = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => topic.Producer.ProduceAsync(missing, new Message<string, string> { Value = "lost too" }));
        ProduceException<string, string> refused = Assert.Throws<ProduceException<string, string>>(
            () => topic.Producer.Produce(missing, new Message<string, string> { Value = "refused" }));

        IReadOnlyList<RecordedMeasurement> durations = await metrics.WaitForAsync(MessagingMeter.ClientOperationDuration, topic.Name, 3, KafkaTestTopic.Timeout);
        string[] codes = [report.Error.Code.ToString(), thrown.Error.Code.ToString(), refused.Error.Code.ToString()];
        Assert.Equal(codes, durations.Select(d => d.Tag("error.type")));
        Assert.Equal(codes, metrics.For(MessagingMeter.SentMessages, topic.Name).Select(s => s.Tag("error.type")));
        Assert.Equal(3, metrics.Sum(MessagingMeter.SentMessages, topic.Name));
        Assert.Equal(codes.Order(), spans.Spans.Select(s => (string?)s.GetTagItem("error.type")).Order());
    }

    [Fact]
    public async Task Sends_are_counted_on_every_path_with_spans_unsampled()
    {
        using var metrics = new MeasurementCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        var delivered = new TaskCompletionSource<DeliveryReport<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (new Activity("upstream").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None).Start())
        {
            await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "async" });
            topic.Producer.Produce(topic.Name, new Message<string, string> { Value = "handled" }, report => delivered.TrySetResult(report));
            topic.Producer.Produce(topic.Name, new Message<string, string> { Value = "fire and forget" });
        }

        Assert.False((await delivered.Task.WaitAsync(KafkaTestTopic.Timeout)).Error.IsError);
        Assert.Equal(0, topic.Producer.Flush(KafkaTestTopic.Timeout));

        IReadOnlyList<RecordedMeasurement> durations = await metrics.WaitForAsync(MessagingMeter.ClientOperationDuration, topic.Name, 3, KafkaTestTopic.Timeout);
        Assert.Equal(3, durations.Count);
        Assert.Equal(3, metrics.Sum(MessagingMeter.SentMessages, topic.Name));
        Assert.All(durations, d => Assert.Null(d.Tag("error.type")));
    }

    [Fact]
    public async Task A_throwing_meter_listener_neither_fails_nor_loses_a_send()
    {
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        using MeterListener throwing = ThrowingMeterListener.For(topic.Name);
        var delivered = new TaskCompletionSource<DeliveryReport<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);

        DeliveryResult<string, string> result = await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "async" });
        topic.Producer.Produce(topic.Name, new Message<string, string> { Value = "handled" }, report => delivered.TrySetResult(report));

        Assert.Equal(PersistenceStatus.Persisted, result.Status);
        Assert.False((await delivered.Task.WaitAsync(KafkaTestTopic.Timeout)).Error.IsError);
        Assert.Equal(["async", "handled"], new[] { topic.ConsumeNext(), topic.ConsumeNext() }.Select(r => r.Message.Value).Order());
    }
}
