using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using StackExchange.Redis;
using Xunit;

namespace Messaging.Tracing.Redis.Tests;

[Collection(RedisBroker.CollectionName)]
public class StreamAddTracedTests(RedisBroker broker)
{
    [Fact]
    public async Task The_send_span_has_the_convention_attributes_and_its_context_is_in_the_entry()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        byte[] payload = [0x00, 0xFF, 0x7B, 0x80];

        string id = await broker.Database.StreamAddTracedAsync(stream.Name, [new("order", "42"), new("payload", payload)], options: new RedisTracingOptions { ClientId = "orders-api" });

        Activity send = Assert.Single(collector.Spans);
        Assert.Equal($"send {stream.Name}", send.DisplayName);
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal("redis", send.GetTagItem("messaging.system"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.type"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.name"));
        Assert.Equal(stream.Name, send.GetTagItem("messaging.destination.name"));
        Assert.Equal(id, send.GetTagItem("messaging.message.id"));
        Assert.Equal("orders-api", send.GetTagItem("messaging.client.id"));
        Assert.Equal(ActivityStatusCode.Unset, send.Status);
        RedisStreamEntry entry = await stream.ReadRawAsync(id);
        Assert.Equal(["order", "payload", "traceparent"], entry.Fields.Select(f => f.Key));
        Assert.Equal(payload, entry.Fields[1].Value);
        Assert.Equal(TraceParentCodec.Format(send.Context), Encoding.ASCII.GetString(entry.Fields[2].Value));
    }

    [Fact]
    public async Task A_stale_trace_field_is_replaced_never_duplicated_and_the_callers_list_is_untouched()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        byte[] payload = [1, 2, 254, 255];
        var fields = new List<StreamField>
        {
            new("traceparent", "00-11111111111111111111111111111111-2222222222222222-01"),
            new("payload", payload),
            new("tracestate", "stale=1"),
            new("baggage", "stale=1"),
        };
        StreamField[] original = [.. fields];
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });

        string first = await stream.Database.StreamAddTracedAsync(stream.Name, fields);
        string second = await stream.Database.StreamAddTracedAsync(stream.Name, fields);

        Assert.Equal(original, fields);
        Activity[] sends = [.. collector.Spans];
        Assert.Equal(2, sends.Length);
        foreach ((string id, Activity send) in new[] { (first, sends[0]), (second, sends[1]) })
        {
            RedisStreamEntry entry = await stream.ReadRawAsync(id);
            Assert.Equal(["payload", "traceparent", "baggage"], entry.Fields.Select(f => f.Key));
            Assert.Equal(payload, entry.Fields[0].Value);
            Assert.Equal(TraceParentCodec.Format(send.Context), Encoding.ASCII.GetString(entry.Fields[1].Value));
            Assert.Equal("tenant=acme", Encoding.ASCII.GetString(entry.Fields[2].Value));
        }
    }

    [Fact]
    public async Task MaxLength_trims_the_stream()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);

        for (int i = 0; i < 5; i++)
        {
            await stream.Database.StreamAddTracedAsync(stream.Name, [new("n", i)], maxLength: 2, useApproximateMaxLength: false);
        }

        await stream.Database.StreamAddTracedAsync(stream.Name, [new("n", 5)], maxLength: 1000);
        Assert.Equal(3L, (long)await stream.Database.ExecuteAsync("XLEN", stream.Name));
    }

    [Fact]
    public async Task An_unsampled_caller_sends_an_unsampled_context_and_no_span_is_recorded()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        using Activity upstream = new Activity("upstream").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None).Start();

        string id = await stream.AppendAsync(new StreamField("n", 1));

        Assert.True((await stream.ReadRawAsync(id)).TryGetField("traceparent", out byte[]? traceParent));
        Assert.StartsWith($"00-{upstream.TraceId.ToHexString()}-", Encoding.ASCII.GetString(traceParent!), StringComparison.Ordinal);
        Assert.EndsWith("-00", Encoding.ASCII.GetString(traceParent!), StringComparison.Ordinal);
        Assert.Empty(collector.Spans);
    }

    [Fact]
    public async Task A_filtered_stream_gets_a_plain_append()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        using Activity request = collector.StartRootSpan("request");

        string id = await stream.Database.StreamAddTracedAsync(stream.Name, [new("traceparent", "kept as the caller wrote it")], options: new RedisTracingOptions { StreamFilter = _ => false });

        RedisStreamEntry entry = await stream.ReadRawAsync(id);
        Assert.Equal("kept as the caller wrote it", Encoding.ASCII.GetString(Assert.Single(entry.Fields).Value));
        request.Stop();
        Assert.Equal(["request"], collector.Spans.Select(s => s.DisplayName));
    }

    [Fact]
    public async Task A_failed_append_is_recorded_and_rethrown()
    {
        using var collector = new SpanCollector();
        string key = broker.UniqueStreamName("not-a-stream");
        await broker.Database.StringSetAsync(key, "a string");

        RedisServerException thrown = await Assert.ThrowsAsync<RedisServerException>(() => broker.Database.StreamAddTracedAsync(key, [new("n", 1)]));

        Assert.StartsWith("WRONGTYPE", thrown.Message, StringComparison.Ordinal);
        Activity send = Assert.Single(collector.Spans);
        Assert.Equal(ActivityStatusCode.Error, send.Status);
        Assert.Equal(typeof(RedisServerException).FullName, send.GetTagItem("error.type"));
        Assert.Equal("exception", Assert.Single(send.Events).Name);
    }

    [Fact]
    public async Task Arguments_are_validated()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => broker.Database.StreamAddTracedAsync("s", []));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => broker.Database.StreamAddTracedAsync(default(RedisKey), [new("n", 1)]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => broker.Database.StreamAddTracedAsync("s", [new("n", 1)], maxLength: -1));
    }
}
