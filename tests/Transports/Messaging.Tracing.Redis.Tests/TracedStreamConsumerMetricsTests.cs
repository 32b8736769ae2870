using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Testing;
using StackExchange.Redis;
using Xunit;

namespace Messaging.Tracing.Redis.Tests;

[Collection(RedisBroker.CollectionName)]
public class TracedStreamConsumerMetricsTests(RedisBroker broker)
{
    [Fact]
    public async Task Processing_counts_the_entry_with_its_group_and_its_time_in_queue_from_the_entry_id()
    {
        using var metrics = new MeasurementCollector();
        var stream = new RedisTestStream(broker);
        long stored = DateTimeOffset.UtcNow.AddSeconds(-5).ToUnixTimeMilliseconds();
        await stream.Database.StreamAddTracedAsync(MessagingTracer.Default, stream.Name, [new("order", "1")], messageId: $"{stored}-0");
        TracedStreamConsumer consumer = stream.CreateConsumer("consumer-a");

        await RedisTestStream.ProcessNextAsync(consumer);

        RecordedMeasurement count = Assert.Single(metrics.For(MessagingMeter.ConsumedMessages, stream.Name));
        RecordedMeasurement queued = Assert.Single(metrics.For(MessagingMeter.QueueDuration, stream.Name));
        RecordedMeasurement processed = Assert.Single(metrics.For(MessagingMeter.ProcessDuration, stream.Name));
        Assert.Equal(1, count.Value);
        Assert.Equal("{message}", count.Unit);
        Assert.Equal("s", queued.Unit);
        Assert.InRange(queued.Value, 5, 5 + RedisTestStream.Timeout.TotalSeconds);
        Assert.Equal("s", processed.Unit);
        Assert.True(processed.Value >= 0);
        foreach (RecordedMeasurement measurement in new[] { count, queued, processed })
        {
            Assert.Equal("redis", measurement.Tag("messaging.system"));
            Assert.Equal("process", measurement.Tag("messaging.operation.name"));
            Assert.Equal("process", measurement.Tag("messaging.operation.type"));
            Assert.Equal(stream.Group, measurement.Tag("messaging.consumer.group.name"));
            Assert.False(measurement.Tags.ContainsKey("messaging.client.id"));
            Assert.Null(measurement.Tag("error.type"));
        }
    }

    [Fact]
    public async Task Every_entry_is_counted_once_with_a_plausible_time_in_queue_with_spans_unsampled()
    {
        using var metrics = new MeasurementCollector();
        var stream = new RedisTestStream(broker);
        using (new Activity("upstream").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None).Start())
        {
            for (int i = 0; i < 3; i++)
            {
                await stream.AppendAsync(new NameValueEntry("order", i));
            }
        }

        TracedStreamConsumer consumer = stream.CreateConsumer();
        int handled = 0;
        await Wait.UntilAsync(
            async () =>
            {
                handled += (await consumer.ReadAndProcessAsync((_, _) => Task.CompletedTask)).Count;
                return handled >= 3;
            },
            RedisTestStream.Timeout,
            "three entries");

        Assert.Equal(3, handled);
        Assert.Equal(3, metrics.Sum(MessagingMeter.ConsumedMessages, stream.Name));
        Assert.Equal(3, metrics.For(MessagingMeter.ProcessDuration, stream.Name).Count);
        IReadOnlyList<RecordedMeasurement> queued = metrics.For(MessagingMeter.QueueDuration, stream.Name);
        Assert.Equal(3, queued.Count);
        Assert.All(queued, q => Assert.InRange(q.Value, 0, RedisTestStream.Timeout.TotalSeconds));
    }

    [Fact]
    public async Task A_failed_handler_records_its_exception_type_and_the_others_succeed()
    {
        using var metrics = new MeasurementCollector();
        var stream = new RedisTestStream(broker);
        RedisValue failing = await stream.AppendAsync(new NameValueEntry("n", "fails"));
        await stream.AppendAsync(new NameValueEntry("n", "fine"));
        TracedStreamConsumer consumer = stream.CreateConsumer("fragile");

        await Assert.ThrowsAsync<InvalidOperationException>(() => consumer.ReadAndProcessAsync((m, _) =>
            m.Id == failing ? throw new InvalidOperationException("handler failed") : Task.CompletedTask));

        IReadOnlyList<RecordedMeasurement> processed = metrics.For(MessagingMeter.ProcessDuration, stream.Name);
        Assert.Equal([typeof(InvalidOperationException).FullName, null], processed.Select(p => p.Tag("error.type")));
        Assert.Equal(2, metrics.Sum(MessagingMeter.ConsumedMessages, stream.Name));
    }

    [Fact]
    public async Task A_throwing_meter_listener_neither_fails_nor_skips_a_handler()
    {
        var stream = new RedisTestStream(broker);
        await stream.AppendAsync(new NameValueEntry("order", "42"));
        TracedStreamConsumer consumer = stream.CreateConsumer();
        using MeterListener throwing = ThrowingMeterListener.For(stream.Name);
        string? handled = null;

        await RedisTestStream.ProcessNextAsync(consumer, (m, _) =>
        {
            handled = m.Values[0].Value;
            return Task.CompletedTask;
        });

        Assert.Equal("42", handled);
        Assert.Empty(await stream.PendingAsync());
    }

    [Fact]
    public async Task A_filtered_stream_is_neither_traced_nor_measured()
    {
        using var metrics = new MeasurementCollector();
        var stream = new RedisTestStream(broker);
        var options = new RedisTracingOptions { StreamFilter = _ => false };
        await stream.Database.StreamAddTracedAsync(MessagingTracer.Default, stream.Name, [new("order", "1")], options: options);

        IReadOnlyList<StreamMessage> handled = await RedisTestStream.ProcessNextAsync(stream.CreateConsumer(options: options));

        Assert.Single(handled);
        Assert.Empty(metrics.For(MessagingMeter.ClientOperationDuration, stream.Name));
        Assert.Empty(metrics.For(MessagingMeter.ConsumedMessages, stream.Name));
        Assert.Empty(metrics.For(MessagingMeter.ProcessDuration, stream.Name));
    }

    [Theory]
    [InlineData("1526919030474-55", 1526919030474L)]
    [InlineData("0-1", 0L)]
    [InlineData("253402300799999-0", 253402300799999L)]
    public void The_stored_time_is_the_milliseconds_part_of_the_entry_id(string id, long milliseconds)
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), TracedStreamConsumer.StoredAt(id));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), TracedStreamConsumer.StoredAt((RedisValue)System.Text.Encoding.ASCII.GetBytes(id)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("1526919030474")]
    [InlineData("1526919030474-")]
    [InlineData("-5")]
    [InlineData("-5-1")]
    [InlineData("+5-1")]
    [InlineData("12a-0")]
    [InlineData("5-0x")]
    [InlineData("253402300800000-0")]
    [InlineData("99999999999999999999999-0")]
    [InlineData("order-42")]
    public void An_id_not_of_the_form_ms_dash_seq_has_no_stored_time(string id)
    {
        Assert.Null(TracedStreamConsumer.StoredAt(id));
    }

    [Fact]
    public void A_null_id_has_no_stored_time() => Assert.Null(TracedStreamConsumer.StoredAt(RedisValue.Null));
}
