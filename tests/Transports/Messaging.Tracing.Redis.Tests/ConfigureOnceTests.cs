using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using StackExchange.Redis;
using Xunit;

namespace Messaging.Tracing.Redis.Tests;

/// <summary>
/// What the README's Redis Streams section tells an application to type — register once, with a baggage deny list and an
/// enrichment callback, and pass the injected tracer (or, without dependency injection, the one made by hand) right after
/// the database — reaches the wire (read with a plain <c>StreamRangeAsync</c>) and the process span.
/// </summary>
[Collection(RedisBroker.CollectionName)]
public class ConfigureOnceTests(RedisBroker broker)
{
    [Fact]
    public async Task Options_registered_once_apply_to_the_injected_tracer()
    {
        // As in the README: register once; the classes that append and consume get the tracer injected.
        var services = new ServiceCollection();
        services.AddMessagingTracing(o =>
        {
            o.OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email");
            o.EnrichProcessSpan = (span, message) =>
            {
                if (message is StreamMessage entry && entry.TryGetValue("order-id", out RedisValue orderId))
                {
                    span.SetTag("app.order_id", (string?)orderId);
                }
            };
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        await AssertConfiguredOnceAsync(provider.GetRequiredService<MessagingTracer>());
    }

    [Fact]
    public async Task Options_of_the_tracer_passed_by_hand_apply()
    {
        var tracer = new MessagingTracer(new MessagingTracingOptions
        {
            OutboundBaggageFilter = BaggageKeyFilter.Deny("user.email"),
            EnrichProcessSpan = (span, message) =>
            {
                if (message is StreamMessage entry && entry.TryGetValue("order-id", out RedisValue orderId))
                {
                    span.SetTag("app.order_id", (string?)orderId);
                }
            },
        });

        await AssertConfiguredOnceAsync(tracer);
    }

    private async Task AssertConfiguredOnceAsync(MessagingTracer tracer)
    {
        var stream = new RedisTestStream(broker);
        using var collector = new SpanCollector();
        using (collector.StartRootSpan("request"))
        {
            Baggage previous = Baggage.Current;
            Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["user.email"] = "alice@example.com", ["tenant"] = "t1" });
            try
            {
                await stream.Database.StreamAddTracedAsync(tracer, stream.Name, [new NameValueEntry("order-id", "order-1")]);
            }
            finally
            {
                Baggage.Current = previous;
            }
        }

        // The raw wire: the entry's fields as Redis stores them.
        StreamEntry raw = Assert.Single(await stream.Database.StreamRangeAsync(stream.Name));
        Assert.Equal("tenant=t1", (string?)raw["baggage"]);

        var consumer = new TracedStreamConsumer(
            stream.Database, tracer, stream.Name, stream.Group, "consumer-1", new TracedStreamConsumerOptions { GroupStartId = "0", MaxWait = TimeSpan.FromMilliseconds(100) });
        string? tenant = null;
        await RedisTestStream.ProcessNextAsync(consumer, (_, _) =>
        {
            tenant = Baggage.GetBaggage("tenant");
            return Task.CompletedTask;
        });

        Assert.Equal("t1", tenant);
        IReadOnlyList<Activity> spans = await collector.WaitForAsync(s => s.Any(a => a.Kind == ActivityKind.Consumer), RedisTestStream.Timeout);
        Activity process = Assert.Single(spans, s => s.Kind == ActivityKind.Consumer);
        Assert.Equal($"process {stream.Name}", process.DisplayName);
        Assert.Equal("order-1", process.GetTagItem("app.order_id"));
        await stream.Database.KeyDeleteAsync(stream.Name);
    }
}
