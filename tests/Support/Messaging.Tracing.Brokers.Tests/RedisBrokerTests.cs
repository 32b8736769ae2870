using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Propagation;
using StackExchange.Redis;
using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

[Collection(RedisBroker.CollectionName)]
public sealed class RedisBrokerTests(RedisBroker broker)
{
    [Fact]
    public async Task Stream_entry_with_trace_values_reads_back_identical()
    {
        ActivityContext sent = TestContexts.FromSampledActivity();
        byte[] traceparent = TraceParentCodec.FormatUtf8(sent);
        byte[] tracestate = Encoding.UTF8.GetBytes("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
        byte[] payload = [0x00, 0xFF, 0x7B, 0x22, 0x01, 0x80, 0x7D];
        string stream = broker.UniqueStreamName("smoke.redis");

        RedisValue added = await broker.Database.StreamAddAsync(stream, [new("traceparent", traceparent), new("tracestate", tracestate), new("payload", payload)]);
        StreamEntry[] read = await broker.Database.StreamReadAsync(stream, StreamPosition.Beginning, 10);

        StreamEntry entry = Assert.Single(read);
        Assert.Equal(added, entry.Id);
        Assert.Equal(["traceparent", "tracestate", "payload"], entry.Values.Select(v => (string?)v.Name));
        Assert.Equal(traceparent, (byte[]?)entry["traceparent"]);
        Assert.Equal(tracestate, (byte[]?)entry["tracestate"]);
        Assert.Equal(payload, (byte[]?)entry["payload"]);
        Assert.True(TraceParentCodec.TryParse((byte[]?)entry["traceparent"], out ActivityContext parsed));
        Assert.Equal(sent.TraceId, parsed.TraceId);
        Assert.Equal(sent.SpanId, parsed.SpanId);
    }

    [Fact]
    public async Task Streams_named_by_the_fixture_are_deleted_when_it_is_disposed()
    {
        var own = new RedisBroker();
        await own.InitializeAsync();
        string stream = own.UniqueStreamName("smoke.redis.cleanup");
        await own.Database.StreamAddAsync(stream, "n", 1);
        Assert.Equal(1, await broker.Database.StreamLengthAsync(stream));

        await own.DisposeAsync();

        Assert.False(await broker.Database.KeyExistsAsync(stream));
    }

    [Fact]
    public async Task Unreachable_server_fails_with_a_message_naming_the_fix()
    {
        var unreachable = new RedisBroker("127.0.0.1:1,connectTimeout=500");

        var error = await Assert.ThrowsAsync<BrokerUnavailableException>(unreachable.InitializeAsync);

        Assert.Contains("Redis is not reachable at 127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("eng/brokers.sh", error.Message, StringComparison.Ordinal);
        await unreachable.DisposeAsync();
    }
}
