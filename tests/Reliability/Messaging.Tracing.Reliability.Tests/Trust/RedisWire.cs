using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Redis;
using StackExchange.Redis;

namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>A unique Redis stream; every subscriber is its own consumer group reading from the start.</summary>
public sealed class RedisWire : Wire
{
    private readonly RedisBroker _broker;
    private readonly string _stream;
    private readonly string _groupPrefix = "group-" + Guid.NewGuid().ToString("N")[..8];

    private RedisWire(RedisBroker broker)
    {
        _broker = broker;
        _stream = broker.UniqueStreamName("trust");
    }

    public override string Name => $"redis {_stream}";

    public static RedisWire Create(RedisBroker broker) => new(broker);

    public override async Task SendAsync(MessagingTracer tracer) =>
        await _broker.Database.StreamAddTracedAsync(tracer, _stream, [new NameValueEntry("order", "1")]);

    public override async Task SendRawAsync(IReadOnlyList<KeyValuePair<string, byte[]>> headers) =>
        await _broker.Database.StreamAddAsync(_stream, [new NameValueEntry("order", "1"), .. headers.Select(h => new NameValueEntry(h.Key, h.Value))]);

    public override async Task ProcessOneAsync(MessagingTracer tracer, bool? trusted, int subscriber, Func<IReadOnlyList<KeyValuePair<string, byte[]>>, Task> handler)
    {
        var settings = new TracedStreamConsumerOptions { GroupStartId = "0", MaxWait = TimeSpan.FromMilliseconds(100), PollInterval = TimeSpan.FromMilliseconds(20) };
        var consumer = new TracedStreamConsumer(_broker.Database, tracer, _stream, $"{_groupPrefix}-{subscriber}", "consumer", settings, new RedisTracingOptions { TrustIncomingContext = trusted });
        await Wait.UntilAsync(
            async () => (await consumer.ReadAndProcessAsync((message, _) => handler(Raw(message)))).Count > 0,
            Timeout,
            $"an entry on {_stream} for subscriber {subscriber}");
    }

    public override async Task<IReadOnlyList<KeyValuePair<string, byte[]>>> ReadRawAsync()
    {
        StreamEntry[] entries = [];
        await Wait.UntilAsync(async () => (entries = await _broker.Database.StreamRangeAsync(_stream, count: 1)).Length > 0, Timeout, $"an entry on {_stream}");
        return Raw(entries[0].Values);
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static IReadOnlyList<KeyValuePair<string, byte[]>> Raw(StreamMessage message) => Raw(message.Values);

    private static IReadOnlyList<KeyValuePair<string, byte[]>> Raw(IEnumerable<NameValueEntry> values) =>
        [.. values.Select(v => new KeyValuePair<string, byte[]>(v.Name!, (byte[])v.Value!))];
}
