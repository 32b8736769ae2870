using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Testing;
using Xunit;

namespace Messaging.Tracing.Kafka.Tests;

[Collection(KafkaCluster.CollectionName)]
public class TracedConsumerMetricsTests(KafkaCluster cluster)
{
    [Fact]
    public async Task Processing_counts_the_message_with_its_group_and_its_time_in_queue_from_the_create_time()
    {
        using var metrics = new MeasurementCollector();
        string group = cluster.UniqueTopic("metrics-group");
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster, configureConsumer: c => c.GroupId = group);
        DateTimeOffset created = DateTimeOffset.UtcNow.AddSeconds(-5);
        await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "old", Timestamp = new Timestamp(created) });

        ConsumeResult<string, string> consumed = await topic.ProcessNextAsync((_, _) => Task.CompletedTask);

        Assert.Equal(TimestampType.CreateTime, consumed.Message.Timestamp.Type);
        RecordedMeasurement count = Assert.Single(metrics.For(MessagingMeter.ConsumedMessages, topic.Name));
        RecordedMeasurement queued = Assert.Single(metrics.For(MessagingMeter.QueueDuration, topic.Name));
        RecordedMeasurement processed = Assert.Single(metrics.For(MessagingMeter.ProcessDuration, topic.Name));
        Assert.Equal(1, count.Value);
        Assert.Equal("{message}", count.Unit);
        Assert.Equal("s", queued.Unit);
        Assert.InRange(queued.Value, 5, 5 + KafkaTestTopic.Timeout.TotalSeconds);
        Assert.Equal("s", processed.Unit);
        Assert.True(processed.Value >= 0);
        foreach (RecordedMeasurement measurement in new[] { count, queued, processed })
        {
            Assert.Equal("kafka", measurement.Tag("messaging.system"));
            Assert.Equal("process", measurement.Tag("messaging.operation.name"));
            Assert.Equal("process", measurement.Tag("messaging.operation.type"));
            Assert.Equal(group, measurement.Tag("messaging.consumer.group.name"));
            Assert.Null(measurement.Tag("error.type"));
        }

        Assert.All(metrics.For(MessagingMeter.ClientOperationDuration, topic.Name), m => Assert.Equal("send", m.Tag("messaging.operation.type")));
    }

    [Fact]
    public async Task A_failed_handler_records_its_exception_type_and_the_message_still_counts_as_consumed()
    {
        using var metrics = new MeasurementCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster, new KafkaTracingOptions { ConsumerGroupName = "billing" });
        await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "v" });

        await Assert.ThrowsAsync<InvalidOperationException>(() => topic.ProcessNextAsync((_, _) => throw new InvalidOperationException("handler failed")));

        RecordedMeasurement processed = Assert.Single(metrics.For(MessagingMeter.ProcessDuration, topic.Name));
        Assert.Equal(typeof(InvalidOperationException).FullName, processed.Tag("error.type"));
        Assert.Equal("billing", processed.Tag("messaging.consumer.group.name"));
        Assert.Equal(1, metrics.Sum(MessagingMeter.ConsumedMessages, topic.Name));
    }

    [Fact]
    public async Task A_batch_counts_its_messages_once_and_records_one_processing_with_spans_unsampled()
    {
        using var metrics = new MeasurementCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        DateTimeOffset oldest = DateTimeOffset.UtcNow.AddSeconds(-30);
        for (int i = 0; i < 3; i++)
        {
            await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = $"v{i}", Timestamp = new Timestamp(oldest.AddSeconds(i * 10)) });
        }

        int handled = 0;
        int batches = 0;
        while (handled < 3)
        {
            IReadOnlyList<ConsumeResult<string, string>> batch = await topic.Consumer.ConsumeBatchAndProcessAsync(3 - handled, KafkaTestTopic.Timeout, (messages, _) =>
            {
                handled += messages.Count;
                return Task.CompletedTask;
            });
            Assert.NotEmpty(batch);
            batches++;
        }

        Assert.Equal(3, metrics.Sum(MessagingMeter.ConsumedMessages, topic.Name));
        Assert.Equal(batches, metrics.For(MessagingMeter.ConsumedMessages, topic.Name).Count);
        Assert.Equal(batches, metrics.For(MessagingMeter.ProcessDuration, topic.Name).Count);
        IReadOnlyList<RecordedMeasurement> queued = metrics.For(MessagingMeter.QueueDuration, topic.Name);
        Assert.Equal(batches, queued.Count);
        Assert.InRange(queued[0].Value, 30, 30 + KafkaTestTopic.Timeout.TotalSeconds);
    }

    [Fact]
    public async Task A_failed_consume_is_one_receive_with_its_error_code_and_no_consumed_message()
    {
        using var metrics = new MeasurementCollector();
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster, buildConsumer: b => b.SetValueDeserializer(new FailingDeserializer()));
        await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "v" });
        using var cancel = new CancellationTokenSource(KafkaTestTopic.Timeout);

        ConsumeException thrown = await Assert.ThrowsAsync<ConsumeException>(
            () => topic.Consumer.ConsumeAndProcessAsync((_, _) => Task.CompletedTask, cancel.Token));

        RecordedMeasurement receive = Assert.Single(metrics.For(MessagingMeter.ClientOperationDuration, topic.Name), m => m.Tag("messaging.operation.type") == "receive");
        Assert.Equal(thrown.Error.Code.ToString(), receive.Tag("error.type"));
        Assert.Equal("receive", receive.Tag("messaging.operation.name"));
        Assert.Empty(metrics.For(MessagingMeter.ConsumedMessages, topic.Name));
        Assert.Empty(metrics.For(MessagingMeter.ProcessDuration, topic.Name));
    }

    [Fact]
    public async Task A_throwing_meter_listener_neither_fails_nor_skips_a_handler()
    {
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster);
        await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "v", Timestamp = new Timestamp(DateTimeOffset.UtcNow.AddSeconds(-1)) });
        using MeterListener throwing = ThrowingMeterListener.For(topic.Name);
        string? handled = null;

        await topic.ProcessNextAsync((result, _) =>
        {
            handled = result.Message.Value;
            return Task.CompletedTask;
        });

        Assert.Equal("v", handled);
    }

    [Fact]
    public async Task A_filtered_topic_is_neither_traced_nor_measured()
    {
        using var metrics = new MeasurementCollector();
        var options = new KafkaTracingOptions { TopicFilter = _ => false };
        using KafkaTestTopic topic = await KafkaTestTopic.CreateAsync(cluster, consumerOptions: options, producerOptions: options);
        await topic.Producer.ProduceAsync(topic.Name, new Message<string, string> { Value = "v" });

        await topic.ProcessNextAsync((_, _) => Task.CompletedTask);

        Assert.Empty(metrics.For(MessagingMeter.ClientOperationDuration, topic.Name));
        Assert.Empty(metrics.For(MessagingMeter.ConsumedMessages, topic.Name));
        Assert.Empty(metrics.For(MessagingMeter.ProcessDuration, topic.Name));
    }

    private sealed class FailingDeserializer : IDeserializer<string>
    {
        public string Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => throw new FormatException("not a string");
    }
}
