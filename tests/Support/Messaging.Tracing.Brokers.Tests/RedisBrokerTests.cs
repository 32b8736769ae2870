using System;
using System.Collections.Generic;
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
    public async Task Stream_entry_with_trace_fields_reads_back_identical()
    {
        ActivityContext sent = TestContexts.FromSampledActivity();
        byte[] traceparent = TraceParentCodec.FormatUtf8(sent);
        byte[] tracestate = Encoding.UTF8.GetBytes("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
        byte[] payload = [0x00, 0xFF, 0x7B, 0x22, 0x01, 0x80, 0x7D];
        string stream = broker.UniqueStreamName("smoke.redis");

        RedisResult added = await broker.Database.ExecuteAsync(
            "XADD", stream, "*", "traceparent", traceparent, "tracestate", tracestate, "payload", payload);
        RedisResult reply = await broker.Database.ExecuteAsync("XREAD", "COUNT", 10, "STREAMS", stream, "0");

        RedisStreamEntry entry = Assert.Single(RedisStreamEntry.ParseXRead(reply, stream));
        Assert.Equal((string)added!, entry.Id);
        Assert.Equal(new[] { "traceparent", "tracestate", "payload" }, entry.Fields.Select(f => f.Key));
        Assert.True(entry.TryGetField("traceparent", out byte[]? receivedTraceParent));
        Assert.Equal(traceparent, receivedTraceParent);
        Assert.True(entry.TryGetField("tracestate", out byte[]? receivedTraceState));
        Assert.Equal(tracestate, receivedTraceState);
        Assert.True(entry.TryGetField("payload", out byte[]? receivedPayload));
        Assert.Equal(payload, receivedPayload);
        Assert.True(TraceParentCodec.TryParse(receivedTraceParent, out ActivityContext parsed));
        Assert.Equal(sent.TraceId, parsed.TraceId);
        Assert.Equal(sent.SpanId, parsed.SpanId);
    }

    [Fact]
    public async Task Stream_helpers_append_and_read_after_an_id()
    {
        string stream = broker.UniqueStreamName("smoke.redis.helpers");

        string first = await broker.StreamAddAsync(stream, [new KeyValuePair<string, RedisValue>("n", 1)]);
        string second = await broker.StreamAddAsync(stream, [new KeyValuePair<string, RedisValue>("n", 2)]);
        IReadOnlyList<RedisStreamEntry> all = await broker.StreamReadAsync(stream);
        IReadOnlyList<RedisStreamEntry> afterFirst = await broker.StreamReadAsync(stream, afterId: first);

        Assert.Equal(new[] { first, second }, all.Select(e => e.Id));
        RedisStreamEntry only = Assert.Single(afterFirst);
        Assert.Equal(second, only.Id);
        Assert.Equal("2"u8.ToArray(), only.Fields[0].Value);
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
