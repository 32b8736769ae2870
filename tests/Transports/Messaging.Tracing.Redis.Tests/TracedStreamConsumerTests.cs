using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using StackExchange.Redis;
using Xunit;

namespace Messaging.Tracing.Redis.Tests;

[Collection(RedisBroker.CollectionName)]
public class TracedStreamConsumerTests(RedisBroker broker)
{
    private const string ValidTraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Fact]
    public async Task A_consumer_follows_from_the_producer_in_the_same_trace_and_acknowledges()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer("billing-1");
        string id = await stream.AppendInRequestAsync(collector);
        Activity? inHandler = null;

        IReadOnlyList<StreamMessage> handled = await RedisTestStream.ProcessNextAsync(consumer, (_, _) =>
        {
            inHandler = Activity.Current;
            return Task.CompletedTask;
        });

        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── send {stream.Name} (producer)
                └┄┄ process {stream.Name} (consumer)
            """, spanCount: 3, RedisTestStream.Timeout);
        StreamMessage message = Assert.Single(handled);
        Assert.Equal(id, message.Id);
        Assert.Equal(1, message.DeliveryCount);
        Assert.False(message.IsClaimed);
        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Same(process, inHandler);
        Assert.True(process.IsStopped);
        Assert.Null(Activity.Current);
        Assert.Equal("redis", process.GetTagItem("messaging.system"));
        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
        Assert.Equal(stream.Name, process.GetTagItem("messaging.destination.name"));
        Assert.Equal(stream.Group, process.GetTagItem("messaging.consumer.group.name"));
        Assert.Equal("billing-1", process.GetTagItem("messaging.client.id"));
        Assert.Equal(id, process.GetTagItem("messaging.message.id"));
        Assert.Equal(1L, process.GetTagItem("messaging.redis.message.delivery_count"));
        Assert.Empty(await stream.PendingAsync());
    }

    [Theory]
    [InlineData(MessageRelationship.ChildOf, "└── process {0} (consumer)")]
    [InlineData(MessageRelationship.NewTrace, "└┄┄ process {0} (consumer) [new trace]")]
    public async Task The_consumers_relationship_decides_the_shape(MessageRelationship relationship, string processLine)
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer(options: new RedisTracingOptions { Relationship = relationship });
        await stream.AppendInRequestAsync(collector);

        await RedisTestStream.ProcessNextAsync(consumer);

        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── send {stream.Name} (producer)
                {string.Format(CultureInfo.InvariantCulture, processLine, stream.Name)}
            """, spanCount: 3, RedisTestStream.Timeout);
    }

    [Fact]
    public async Task A_selector_chooses_per_entry_and_an_explicit_relationship_wins()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer(
            options: new RedisTracingOptions { RelationshipSelector = m => m.TryGetValue("replay", out _) ? MessageRelationship.NewTrace : null },
            configure: s => s.Count = 2);
        using (collector.StartRootSpan("live"))
        {
            await stream.AppendAsync(new StreamField("n", 1));
        }

        using (collector.StartRootSpan("replay"))
        {
            await stream.AppendAsync(new StreamField("replay", "yes"));
        }

        using (collector.StartRootSpan("request"))
        {
            await stream.AppendAsync(new StreamField("replay", "yes"));
        }

        // Two entries through the consumer's own read; the third read raw and processed with an explicit relationship.
        Assert.Equal(2, (await RedisTestStream.ProcessNextAsync(consumer)).Count);
        RedisStreamEntry raw = Assert.Single(await stream.ReadWithoutAckAsync(consumer.Name));
        var message = new StreamMessage(stream.Name, raw.Id, raw.Fields.Select(f => new StreamField(f.Key, f.Value)));
        await consumer.ProcessAsync(message, (_, _) => Task.CompletedTask, MessageRelationship.ChildOf);

        await TraceAssert.ShapeAsync(collector, $"""
            live (internal)
            └── send {stream.Name} (producer)
                └┄┄ process {stream.Name} (consumer)
            replay (internal)
            └── send {stream.Name} (producer)
                └┄┄ process {stream.Name} (consumer) [new trace]
            request (internal)
            └── send {stream.Name} (producer)
                └── process {stream.Name} (consumer)
            """, spanCount: 9, RedisTestStream.Timeout);
        Assert.Empty(await stream.PendingAsync());
    }

    [Fact]
    public async Task A_selector_that_throws_is_ignored_and_the_entry_processed()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer(options: new RedisTracingOptions { RelationshipSelector = _ => throw new InvalidOperationException("selector bug") });
        await stream.AppendInRequestAsync(collector);

        await RedisTestStream.ProcessNextAsync(consumer);

        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── send {stream.Name} (producer)
                └┄┄ process {stream.Name} (consumer)
            """, spanCount: 3, RedisTestStream.Timeout);
        Assert.Empty(await stream.PendingAsync());
    }

    [Fact]
    public async Task Baggage_travels_with_the_entry_and_the_callers_is_restored()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer();
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme", ["user"] = "ada lovelace" });
        await stream.AppendAsync(new StreamField("n", 1));
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["consumer"] = "loop" });
        IReadOnlyDictionary<string, string>? inHandler = null;

        await RedisTestStream.ProcessNextAsync(consumer, (_, _) =>
        {
            inHandler = Baggage.Current.GetBaggage();
            return Task.CompletedTask;
        });

        Assert.Equal(new Dictionary<string, string> { ["tenant"] = "acme", ["user"] = "ada lovelace" }, inHandler);
        Assert.Equal("loop", Baggage.Current.GetBaggage("consumer"));
        Assert.Single(Baggage.Current.GetBaggage());
    }

    [Fact]
    public async Task Two_consumers_of_one_group_process_each_entry_once_each_following_its_own_producer()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer first = stream.CreateConsumer("worker-a", configure: s => s.Count = 1);
        TracedStreamConsumer second = stream.CreateConsumer("worker-b", configure: s => s.Count = 1);
        await first.EnsureGroupAsync();
        var ids = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            ids.Add(await stream.AppendInRequestAsync(collector, new StreamField("n", i)));
        }

        var processedBy = new List<(string Id, string Consumer, string? SpanId)>();
        while (processedBy.Count < ids.Count)
        {
            foreach (TracedStreamConsumer consumer in new[] { first, second })
            {
                await RedisTestStream.ProcessNextAsync(consumer, (m, _) =>
                {
                    processedBy.Add((m.Id, consumer.Name, Activity.Current?.SpanId.ToHexString()));
                    return Task.CompletedTask;
                });
            }
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), processedBy.Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.Equal(3, processedBy.Count(p => p.Consumer == "worker-a"));
        Assert.Equal(3, processedBy.Count(p => p.Consumer == "worker-b"));
        IReadOnlyList<Activity> spans = await collector.WaitForSpansAsync(18, RedisTestStream.Timeout);
        foreach ((string id, string consumerName, string? spanId) in processedBy)
        {
            Activity send = spans.Single(s => s.Kind == ActivityKind.Producer && (string?)s.GetTagItem("messaging.message.id") == id);
            Activity process = spans.Single(s => s.Kind == ActivityKind.Consumer && (string?)s.GetTagItem("messaging.message.id") == id);
            Assert.Equal(spanId, process.SpanId.ToHexString());
            Assert.Equal(send.TraceId, process.TraceId);
            Assert.Equal(send.SpanId, process.ParentSpanId);
            Assert.Equal(send.SpanId, Assert.Single(process.Links).Context.SpanId);
            Assert.Equal(consumerName, process.GetTagItem("messaging.client.id"));
        }

        string tree = string.Concat(Enumerable.Repeat($"""
            request (internal)
            └── send {stream.Name} (producer)
                └┄┄ process {stream.Name} (consumer)

            """, 6));
        TraceAssert.Shape(tree, spans);
        Assert.Empty(await stream.PendingAsync());
    }

    [Theory]
    [InlineData(MessageRelationship.NewTrace, "└┄┄ process {0} (consumer) [new trace]")]
    [InlineData(MessageRelationship.FollowsFrom, "└┄┄ process {0} (consumer)")]
    public async Task An_entry_left_pending_by_a_dead_consumer_is_claimed_after_the_minimum_idle_time(MessageRelationship reclaimed, string processLine)
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TimeSpan minIdle = TimeSpan.FromMilliseconds(200);
        string id = await stream.AppendInRequestAsync(collector, new StreamField("order", "42"));
        Assert.Equal(id, Assert.Single(await stream.ReadWithoutAckAsync("dead-consumer")).Id);
        TracedStreamConsumer survivor = stream.CreateConsumer("survivor", new RedisTracingOptions { ReclaimedRelationship = reclaimed }, s =>
        {
            s.ClaimMinIdleTime = minIdle;
            s.ClaimInterval = TimeSpan.Zero;
            s.MaxWait = TimeSpan.Zero;
        });
        Assert.Empty(await survivor.ReadAndProcessAsync((_, _) => Task.CompletedTask));

        await stream.WaitUntilIdleAsync("dead-consumer", minIdle);
        StreamMessage recovered = Assert.Single(await RedisTestStream.ProcessNextAsync(survivor));

        Assert.Equal(id, recovered.Id);
        Assert.True(recovered.IsClaimed);
        Assert.Equal(2, recovered.DeliveryCount);
        Assert.True(recovered.TryGetValue("order", out RedisValue order));
        Assert.Equal("42", (string?)order);
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── send {stream.Name} (producer)
                {string.Format(CultureInfo.InvariantCulture, processLine, stream.Name)}
            """, spanCount: 3, RedisTestStream.Timeout);
        Activity process = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer);
        Assert.Equal(2L, process.GetTagItem("messaging.redis.message.delivery_count"));
        Assert.Equal("survivor", process.GetTagItem("messaging.client.id"));
        Activity send = collector.Spans.Single(s => s.Kind == ActivityKind.Producer);
        Assert.Equal(send.SpanId, Assert.Single(process.Links).Context.SpanId);
        Assert.Empty(await stream.PendingAsync());
    }

    [Fact]
    public async Task Competing_survivors_recover_a_dead_consumers_entry_exactly_once()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TimeSpan minIdle = TimeSpan.FromMilliseconds(150);
        await stream.AppendAsync(new StreamField("n", 1));
        await stream.ReadWithoutAckAsync("dead-consumer");
        TracedStreamConsumer[] survivors = [.. new[] { "s1", "s2", "s3" }.Select(n => stream.CreateConsumer(n, configure: s => s.ClaimMinIdleTime = minIdle))];
        await stream.WaitUntilIdleAsync("dead-consumer", minIdle);

        IReadOnlyList<StreamMessage>[] results = await Task.WhenAll(survivors.Select(s => s.ClaimAndProcessAsync((_, _) => Task.CompletedTask)));

        Assert.Equal(1, results.Sum(r => r.Count));
        Assert.Empty(await stream.PendingAsync());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [InlineData(ValidTraceParent, ValidTraceParent)]
    [InlineData(ValidTraceParent, "00-11111111111111111111111111111111-2222222222222222-01")]
    [InlineData("huge")]
    public async Task Garbage_or_repeated_traceparent_starts_a_new_trace_and_the_entry_is_processed_unchanged(params string[] traceParents)
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer();
        byte[] payload = [0x00, 0xFF, 0xC3, 0x28, 0x7B, 0x80];
        var written = new List<KeyValuePair<string, RedisValue>> { new("payload", payload) };
        foreach (string value in traceParents)
        {
            written.Add(new("traceparent", value == "huge" ? "00-" + new string('a', 100 * 1024) : value));
        }

        written.Add(new("note", "after"));
        string id = await broker.StreamAddAsync(stream.Name, written);
        StreamMessage? received = null;

        await RedisTestStream.ProcessNextAsync(consumer, (m, _) =>
        {
            received = m;
            return Task.CompletedTask;
        });

        Assert.NotNull(received);
        Assert.Equal(id, received!.Id);
        Assert.Equal(written.Select(f => f.Key), received.Fields.Select(f => (string?)f.Name));
        Assert.Equal(written.Select(f => (byte[]?)f.Value), received.Fields.Select(f => (byte[]?)f.Value));
        Activity process = Assert.Single(await collector.WaitForSpansAsync(1, RedisTestStream.Timeout));
        Assert.Equal(default, process.ParentSpanId);
        Assert.Empty(process.Links);
        Assert.Empty(await stream.PendingAsync());
    }

    [Fact]
    public async Task A_handler_exception_is_recorded_the_entry_stays_pending_the_others_are_processed_and_it_is_rethrown()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer("fragile");
        string failing = await stream.AppendInRequestAsync(collector, new StreamField("n", "fails"));
        string fine = await stream.AppendAsync(new StreamField("n", "fine"));
        using Activity loop = collector.StartRootSpan("consumer loop");
        var handledIds = new List<string>();

        InvalidOperationException thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => consumer.ReadAndProcessAsync((m, _) =>
        {
            handledIds.Add(m.Id);
            return m.Id == failing ? throw new InvalidOperationException("handler failed") : Task.CompletedTask;
        }));

        Assert.Equal("handler failed", thrown.Message);
        Assert.Equal([failing, fine], handledIds);
        Assert.Same(loop, Activity.Current);
        loop.Stop();
        (string Id, string Consumer, long Deliveries) pending = Assert.Single(await stream.PendingAsync());
        Assert.Equal((failing, "fragile", 1L), pending);
        await TraceAssert.ShapeAsync(collector, $"""
            consumer loop (internal)
            ├── process {stream.Name} (consumer)
            └── process {stream.Name} (consumer) ✗ System.InvalidOperationException
            request (internal)
            └── send {stream.Name} (producer)
            send {stream.Name} (producer)
            """, spanCount: 5, RedisTestStream.Timeout);
        Activity failed = collector.Spans.Single(s => s.Kind == ActivityKind.Consumer && (string?)s.GetTagItem("messaging.message.id") == failing);
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal("exception", Assert.Single(failed.Events).Name);
        Assert.Single(failed.Links);
    }

    [Fact]
    public async Task A_failed_entry_is_retried_by_recovery_with_its_delivery_count()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TimeSpan minIdle = TimeSpan.FromMilliseconds(100);
        TracedStreamConsumer consumer = stream.CreateConsumer("retrying", configure: s =>
        {
            s.ClaimMinIdleTime = minIdle;
            s.ClaimInterval = TimeSpan.Zero;
        });
        string id = await stream.AppendInRequestAsync(collector);
        await Assert.ThrowsAsync<TimeoutException>(() => RedisTestStream.ProcessNextAsync(consumer, (_, _) => throw new TimeoutException("downstream timed out")));

        await stream.WaitUntilIdleAsync("retrying", minIdle);
        StreamMessage retried = Assert.Single(await RedisTestStream.ProcessNextAsync(consumer));

        Assert.Equal(id, retried.Id);
        Assert.Equal(2, retried.DeliveryCount);
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── send {stream.Name} (producer)
                ├┄┄ process {stream.Name} (consumer) [new trace]
                └┄┄ process {stream.Name} (consumer) ✗ System.TimeoutException
            """, spanCount: 4, RedisTestStream.Timeout);
        Assert.Empty(await stream.PendingAsync());
    }

    [Fact]
    public async Task An_unsampled_producer_stays_unsampled_through_the_consumer()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer();
        using (new Activity("upstream").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None).Start())
        {
            await stream.AppendAsync(new StreamField("n", 1));
        }

        Activity? inHandler = null;
        await RedisTestStream.ProcessNextAsync(consumer, (_, _) =>
        {
            inHandler = Activity.Current;
            return Task.CompletedTask;
        });

        Assert.NotNull(inHandler);
        Assert.False(inHandler!.Recorded);
        Assert.Empty(collector.Spans);
    }

    [Fact]
    public async Task A_filtered_stream_is_handled_and_acknowledged_without_span()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer(options: new RedisTracingOptions { StreamFilter = _ => false });
        await stream.AppendInRequestAsync(collector);
        Activity? inHandler = null;

        await RedisTestStream.ProcessNextAsync(consumer, (_, _) =>
        {
            inHandler = Activity.Current;
            return Task.CompletedTask;
        });

        Assert.Null(inHandler);
        Assert.Equal(2, collector.Spans.Count);
        Assert.Empty(await stream.PendingAsync());
    }

    [Fact]
    public async Task The_trace_context_can_be_extracted_from_a_message()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        await stream.AppendAsync(new StreamField("n", 1));
        RedisStreamEntry raw = Assert.Single(await stream.ReadWithoutAckAsync("reader"));

        var message = new StreamMessage(stream.Name, raw.Id, raw.Fields.Select(f => new StreamField(f.Key, f.Value)));

        Activity send = Assert.Single(collector.Spans);
        Assert.Equal(send.SpanId, message.ExtractTraceContext().ActivityContext.SpanId);
    }

    [Fact]
    public async Task The_group_is_created_with_its_stream_once_and_an_existing_group_is_kept()
    {
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer();

        Assert.True(await consumer.EnsureGroupAsync());
        Assert.False(await consumer.EnsureGroupAsync());
        Assert.False(await stream.CreateConsumer("other").EnsureGroupAsync());
        Assert.Equal(0L, (long)await stream.Database.ExecuteAsync("XLEN", stream.Name));
        Assert.Empty(await consumer.ReadAndProcessAsync((_, _) => Task.CompletedTask));
    }

    [Fact]
    public async Task A_new_group_starts_at_the_end_of_the_stream_by_default()
    {
        var stream = new RedisTestStream(broker);
        await stream.AppendAsync(new StreamField("n", "before"));
        var consumer = new TracedStreamConsumer(stream.Database, stream.Name, stream.Group, "late", new TracedStreamConsumerOptions { MaxWait = TimeSpan.Zero });
        Assert.Empty(await consumer.ReadAndProcessAsync((_, _) => Task.CompletedTask));
        string after = await stream.AppendAsync(new StreamField("n", "after"));

        StreamMessage message = Assert.Single(await RedisTestStream.ProcessNextAsync(consumer));

        Assert.Equal(after, message.Id);
    }

    [Fact]
    public async Task Reads_wait_at_most_MaxWait_and_cancellation_is_honoured()
    {
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer(configure: s => s.MaxWait = TimeSpan.FromMilliseconds(300));
        await consumer.EnsureGroupAsync();

        var stopwatch = Stopwatch.StartNew();
        Assert.Empty(await consumer.ReadAndProcessAsync((_, _) => Task.CompletedTask));
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(250), RedisTestStream.Timeout);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consumer.ReadAndProcessAsync((_, _) => Task.CompletedTask, cancelled.Token));

        TracedStreamConsumer patient = stream.CreateConsumer(configure: s => s.MaxWait = TimeSpan.FromMinutes(5));
        using var soon = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        stopwatch.Restart();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.ReadAndProcessAsync((_, _) => Task.CompletedTask, soon.Token));
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, RedisTestStream.Timeout);
    }

    [Fact]
    public async Task RunAsync_processes_until_cancelled_and_then_returns()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer();
        await consumer.EnsureGroupAsync();
        var processed = new List<string>();

        // Bounded too: the loop ends even when the test fails before it stops the loop.
        using var stop = new CancellationTokenSource(2 * RedisTestStream.Timeout);
        Task run = consumer.RunAsync(
            (m, _) =>
            {
                lock (processed)
                {
                    processed.Add(m.Id);
                }

                return Task.CompletedTask;
            },
            stop.Token);

        string[] ids = [await stream.AppendAsync(new StreamField("n", 1)), await stream.AppendAsync(new StreamField("n", 2))];
        await Wait.UntilAsync(() => { lock (processed) { return processed.Count == 2; } }, RedisTestStream.Timeout, "both entries processed by the loop");
        await stop.CancelAsync();

        await run.WaitAsync(RedisTestStream.Timeout);
        Assert.Equal(ids, processed);
        Assert.Empty(await stream.PendingAsync());
    }

    [Fact]
    public async Task Blocking_on_the_server_reads_with_BLOCK_on_a_dedicated_multiplexer()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        using ConnectionMultiplexer dedicated = await ConnectionMultiplexer.ConnectAsync(broker.Configuration);
        TracedStreamConsumer consumer = stream.CreateConsumer(database: dedicated.GetDatabase(), configure: s =>
        {
            s.BlockOnServer = true;
            s.MaxWait = TimeSpan.FromMilliseconds(500);
        });
        await consumer.EnsureGroupAsync();

        var stopwatch = Stopwatch.StartNew();
        Assert.Empty(await consumer.ReadAndProcessAsync((_, _) => Task.CompletedTask));
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(450), RedisTestStream.Timeout);
        Task<IReadOnlyList<StreamMessage>> blocked = RedisTestStream.ProcessNextAsync(consumer);
        string id = await stream.AppendInRequestAsync(collector);

        Assert.Equal(id, Assert.Single(await blocked).Id);
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── send {stream.Name} (producer)
                └┄┄ process {stream.Name} (consumer)
            """, spanCount: 3, RedisTestStream.Timeout);
    }

    [Fact]
    public async Task An_entry_of_another_stream_is_rejected()
    {
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer();

        await Assert.ThrowsAsync<ArgumentException>(() => consumer.ProcessAsync(new StreamMessage("elsewhere", "1-0", [new StreamField("n", 1)]), (_, _) => Task.CompletedTask));
    }

    [Fact]
    public void Settings_are_validated()
    {
        IDatabase database = broker.Database;
        Assert.Throws<ArgumentException>(() => new TracedStreamConsumer(database, "s", "", "c"));
        Assert.ThrowsAny<ArgumentException>(() => new TracedStreamConsumer(database, default(RedisKey), "g", "c"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TracedStreamConsumer(database, "s", "g", "c", new TracedStreamConsumerOptions { Count = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TracedStreamConsumer(database, "s", "g", "c", new TracedStreamConsumerOptions { PollInterval = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TracedStreamConsumer(database, "s", "g", "c", options: new RedisTracingOptions { ReclaimedRelationship = (MessageRelationship)42 }));
    }
}
