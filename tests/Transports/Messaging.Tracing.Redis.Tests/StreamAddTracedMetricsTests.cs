using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Testing;
using StackExchange.Redis;
using Xunit;

namespace Messaging.Tracing.Redis.Tests;

[Collection(RedisBroker.CollectionName)]
public class StreamAddTracedMetricsTests(RedisBroker broker)
{
    [Fact]
    public async Task An_append_records_its_duration_until_the_reply_and_one_sent_message()
    {
        using var metrics = new MeasurementCollector();
        var stream = new RedisTestStream(broker);
        long started = Stopwatch.GetTimestamp();

        await stream.AppendAsync(new NameValueEntry("order", "42"));

        double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        RecordedMeasurement duration = Assert.Single(metrics.For(MessagingMeter.ClientOperationDuration, stream.Name));
        RecordedMeasurement sent = Assert.Single(metrics.For(MessagingMeter.SentMessages, stream.Name));
        Assert.Equal("s", duration.Unit);
        Assert.InRange(duration.Value, 0, elapsed);
        Assert.Equal("{message}", sent.Unit);
        Assert.Equal(1, sent.Value);
        foreach (RecordedMeasurement measurement in new[] { duration, sent })
        {
            Assert.Equal("redis", measurement.Tag("messaging.system"));
            Assert.Equal("send", measurement.Tag("messaging.operation.name"));
            Assert.Equal("send", measurement.Tag("messaging.operation.type"));
            Assert.Equal(stream.Name, measurement.Tag("messaging.destination.name"));
            Assert.False(measurement.Tags.ContainsKey("error.type"));
            Assert.False(measurement.Tags.ContainsKey("messaging.message.id"));
        }
    }

    [Fact]
    public async Task A_failed_append_is_counted_with_the_exception_type_as_on_its_span()
    {
        using var metrics = new MeasurementCollector();
        using var spans = new SpanCollector();
        var stream = new RedisTestStream(broker);
        await stream.AppendAsync(new NameValueEntry("order", "1"));

        // Redis refuses an id not above the stream's last one.
        RedisServerException thrown = await Assert.ThrowsAsync<RedisServerException>(
            () => stream.Database.StreamAddTracedAsync(MessagingTracer.Default, stream.Name, [new("order", "2")], messageId: "1-1"));

        Assert.Equal(2, metrics.Sum(MessagingMeter.SentMessages, stream.Name));
        RecordedMeasurement failed = Assert.Single(metrics.For(MessagingMeter.ClientOperationDuration, stream.Name), m => m.Tag("error.type") is not null);
        Assert.Equal(thrown.GetType().FullName, failed.Tag("error.type"));
        Assert.Single(metrics.For(MessagingMeter.SentMessages, stream.Name), m => m.Tag("error.type") == thrown.GetType().FullName);
        Assert.Single(spans.Spans, s => (string?)s.GetTagItem("error.type") == thrown.GetType().FullName);
    }

    [Fact]
    public async Task Appends_are_counted_with_spans_unsampled()
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

        Assert.Equal(3, metrics.For(MessagingMeter.ClientOperationDuration, stream.Name).Count);
        Assert.Equal(3, metrics.Sum(MessagingMeter.SentMessages, stream.Name));
    }

    [Fact]
    public async Task A_throwing_meter_listener_neither_fails_nor_loses_an_append()
    {
        var stream = new RedisTestStream(broker);
        using MeterListener throwing = ThrowingMeterListener.For(stream.Name);

        RedisValue id = await stream.AppendAsync(new NameValueEntry("order", "42"));

        StreamEntry entry = await stream.ReadRawAsync(id);
        Assert.Equal("42", (string?)entry["order"]);
    }
}
