using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
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

        RedisValue id = await broker.Database.StreamAddTracedAsync(MessagingTracer.Default, stream.Name, [new("order", "42"), new("payload", payload)], options: new RedisTracingOptions { ClientId = "orders-api" });

        Activity send = Assert.Single(collector.Spans);
        Assert.Equal($"send {stream.Name}", send.DisplayName);
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal("redis", send.GetTagItem("messaging.system"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.type"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.name"));
        Assert.Equal(stream.Name, send.GetTagItem("messaging.destination.name"));
        Assert.Equal((string?)id, send.GetTagItem("messaging.message.id"));
        Assert.Equal("orders-api", send.GetTagItem("messaging.client.id"));
        Assert.Equal(ActivityStatusCode.Unset, send.Status);
        StreamEntry entry = await stream.ReadRawAsync(id);
        Assert.Equal(["order", "payload", "traceparent"], entry.Values.Select(v => (string?)v.Name));
        Assert.Equal(payload, (byte[]?)entry.Values[1].Value);
        Assert.Equal(TraceParentCodec.Format(send.Context), (string?)entry.Values[2].Value);
    }

    [Fact]
    public async Task A_stale_trace_field_is_replaced_never_duplicated_and_the_callers_list_is_untouched()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        byte[] payload = [1, 2, 254, 255];
        NameValueEntry[] values =
        [
            new("traceparent", "00-11111111111111111111111111111111-2222222222222222-01"),
            new("payload", payload),
            new("tracestate", "stale=1"),
            new("baggage", "stale=1"),
        ];
        NameValueEntry[] original = [.. values];
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });

        RedisValue first = await stream.Database.StreamAddTracedAsync(MessagingTracer.Default, stream.Name, values);
        RedisValue second = await stream.Database.StreamAddTracedAsync(MessagingTracer.Default, stream.Name, values);

        Assert.Equal(original, values);
        Activity[] sends = [.. collector.Spans];
        Assert.Equal(2, sends.Length);
        foreach ((RedisValue id, Activity send) in new[] { (first, sends[0]), (second, sends[1]) })
        {
            StreamEntry entry = await stream.ReadRawAsync(id);
            Assert.Equal(["payload", "traceparent", "baggage"], entry.Values.Select(v => (string?)v.Name));
            Assert.Equal(payload, (byte[]?)entry.Values[0].Value);
            Assert.Equal(TraceParentCodec.Format(send.Context), (string?)entry.Values[1].Value);
            Assert.Equal("tenant=acme", (string?)entry.Values[2].Value);
        }
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData(false, 2)]
    [InlineData(true, 5)]
    public async Task MaxLength_trims_the_stream_exactly_unless_asked_for_an_approximate_trim_as_StreamAddAsync_does(bool? approximate, long length)
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);

        for (int i = 0; i < 5; i++)
        {
            NameValueEntry[] values = [new("n", i)];
            await (approximate is { } flag
                ? stream.Database.StreamAddTracedAsync(MessagingTracer.Default, stream.Name, values, maxLength: 2, useApproximateMaxLength: flag)
                : stream.Database.StreamAddTracedAsync(MessagingTracer.Default, stream.Name, values, maxLength: 2));
        }

        // An approximate trim removes whole nodes of the stream's radix tree only (100 entries by default): none here.
        Assert.Equal(length, await stream.Database.StreamLengthAsync(stream.Name));
        Assert.Equal(5, collector.Spans.Count);
    }

    [Fact]
    public async Task An_explicit_message_id_is_the_entrys_and_the_spans()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);

        RedisValue id = await stream.Database.StreamAddTracedAsync(MessagingTracer.Default, stream.Name, [new("n", 1)], messageId: "1700000000000-7");

        Assert.Equal("1700000000000-7", (string?)id);
        Assert.Equal("1700000000000-7", Assert.Single(collector.Spans).GetTagItem("messaging.message.id"));
        Assert.True((await stream.ReadRawAsync(id))["traceparent"].HasValue);
    }

    [Fact]
    public async Task An_unsampled_caller_sends_an_unsampled_context_and_no_span_is_recorded()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        using Activity upstream = new Activity("upstream").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None).Start();

        RedisValue id = await stream.AppendAsync(new NameValueEntry("n", 1));

        string? traceParent = (await stream.ReadRawAsync(id))["traceparent"];
        Assert.StartsWith($"00-{upstream.TraceId.ToHexString()}-", traceParent, StringComparison.Ordinal);
        Assert.EndsWith("-00", traceParent, StringComparison.Ordinal);
        Assert.Empty(collector.Spans);
    }

    [Fact]
    public async Task A_filtered_stream_gets_a_plain_append()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        using Activity request = collector.StartRootSpan("request");

        RedisValue id = await stream.Database.StreamAddTracedAsync(MessagingTracer.Default, stream.Name, [new("traceparent", "kept as the caller wrote it")], options: new RedisTracingOptions { StreamFilter = _ => false });

        StreamEntry entry = await stream.ReadRawAsync(id);
        Assert.Equal("kept as the caller wrote it", (string?)Assert.Single(entry.Values).Value);
        request.Stop();
        Assert.Equal(["request"], collector.Spans.Select(s => s.DisplayName));
    }

    [Fact]
    public async Task A_failed_append_is_recorded_and_rethrown()
    {
        using var collector = new SpanCollector();
        string key = broker.UniqueStreamName("not-a-stream");
        await broker.Database.StringSetAsync(key, "a string");

        RedisServerException thrown = await Assert.ThrowsAsync<RedisServerException>(() => broker.Database.StreamAddTracedAsync(MessagingTracer.Default, key, [new("n", 1)]));

        Assert.StartsWith("WRONGTYPE", thrown.Message, StringComparison.Ordinal);
        Activity send = Assert.Single(collector.Spans);
        Assert.Equal(ActivityStatusCode.Error, send.Status);
        Assert.Equal(typeof(RedisServerException).FullName, send.GetTagItem("error.type"));
        Assert.Equal("exception", Assert.Single(send.Events).Name);
    }

    [Fact]
    public async Task Arguments_are_validated()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => broker.Database.StreamAddTracedAsync(MessagingTracer.Default, "s", []));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => broker.Database.StreamAddTracedAsync(MessagingTracer.Default, default(RedisKey), [new("n", 1)]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => broker.Database.StreamAddTracedAsync(MessagingTracer.Default, "s", [new("n", 1)], maxLength: -1));
    }
}
