using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using StackExchange.Redis;
using Xunit;

namespace Messaging.Tracing.Redis.Tests;

/// <summary>
/// An entry from a W3C Trace Context Level 2 / W3C Baggage producer (flags <c>03</c>, Level 2 <c>tracestate</c> keys, baggage
/// member properties) is processed, and the handler appends on: the next stream entry's fields carry all of it.
/// </summary>
[Collection(RedisBroker.CollectionName)]
public class NextHopPropagationTests(RedisBroker broker)
{
    [Fact]
    public async Task Random_flag_trace_state_and_baggage_properties_reach_the_next_hop()
    {
        var incoming = new RedisTestStream(broker);
        var next = new RedisTestStream(broker);
        await incoming.Database.StreamAddAsync(
            incoming.Name,
            [new NameValueEntry("order-id", "order-1"), .. NextHopHeaders.Headers.Select(h => new NameValueEntry(h.Key, h.Value))]);

        using var collector = new SpanCollector();
        await RedisTestStream.ProcessNextAsync(incoming.CreateConsumer(), (message, _) =>
            next.Database.StreamAddTracedAsync(MessagingTracer.Default, next.Name, [new NameValueEntry("order-id", "order-1")]));

        StreamEntry relayed = Assert.Single(await next.Database.StreamRangeAsync(next.Name));
        Activity send = Assert.Single(
            await collector.WaitForAsync(s => s.Any(a => a.Kind == ActivityKind.Producer && a.IsStopped), RedisTestStream.Timeout),
            s => s.Kind == ActivityKind.Producer);
        NextHopHeaders.EnsureCarried((string?)relayed["traceparent"], (string?)relayed["tracestate"], (string?)relayed["baggage"], send);
        await incoming.Database.KeyDeleteAsync(incoming.Name);
        await next.Database.KeyDeleteAsync(next.Name);
    }
}
