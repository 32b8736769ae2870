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
        RedisValue id = await stream.AppendInRequestAsync(collector);
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
        Assert.Equal((string?)id, process.GetTagItem("messaging.message.id"));
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
            await stream.AppendAsync(new NameValueEntry("n", 1));
        }

        using (collector.StartRootSpan("replay"))
        {
            await stream.AppendAsync(new NameValueEntry("replay", "yes"));
        }

        using (collector.StartRootSpan("request"))
        {
            await stream.AppendAsync(new NameValueEntry("replay", "yes"));
        }

        // Two entries through the consumer's own read; the third read raw and processed with an explicit relationship.
        Assert.Equal(2, (await RedisTestStream.ProcessNextAsync(consumer)).Count);
        var message = new StreamMessage(stream.Name, Assert.Single(await stream.ReadWithoutAckAsync(consumer.Name)));
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
        await stream.AppendAsync(new NameValueEntry("n", 1));
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
        var ids = new List<RedisValue>();
        for (int i = 0; i < 6; i++)
        {
            ids.Add(await stream.AppendInRequestAsync(collector, new NameValueEntry("n", i)));
        }

        var processedBy = new List<(RedisValue Id, string Consumer, string? SpanId)>();
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

        Assert.Equal(ids.Order(), processedBy.Select(p => p.Id).Order());
        Assert.Equal(3, processedBy.Count(p => p.Consumer == "worker-a"));
        Assert.Equal(3, processedBy.Count(p => p.Consumer == "worker-b"));
        IReadOnlyList<Activity> spans = await collector.WaitForSpansAsync(18, RedisTestStream.Timeout);
        foreach ((RedisValue id, string consumerName, string? spanId) in processedBy)
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
        RedisValue id = await stream.AppendInRequestAsync(collector, new NameValueEntry("order", "42"));
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
        await stream.AppendAsync(new NameValueEntry("n", 1));
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
        var written = new List<NameValueEntry> { new("payload", payload) };
        foreach (string value in traceParents)
        {
            written.Add(new("traceparent", value == "huge" ? "00-" + new string('a', 100 * 1024) : value));
        }

        written.Add(new("note", "after"));
        RedisValue id = await stream.Database.StreamAddAsync(stream.Name, [.. written]);
        StreamMessage? received = null;

        await RedisTestStream.ProcessNextAsync(consumer, (m, _) =>
        {
            received = m;
            return Task.CompletedTask;
        });

        Assert.NotNull(received);
        Assert.Equal(id, received!.Id);
        Assert.Equal(written, received.Values);
        Assert.Equal(written.Select(v => (byte[]?)v.Value), received.Values.Select(v => (byte[]?)v.Value));
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
        RedisValue failing = await stream.AppendInRequestAsync(collector, new NameValueEntry("n", "fails"));
        RedisValue fine = await stream.AppendAsync(new NameValueEntry("n", "fine"));
        using Activity loop = collector.StartRootSpan("consumer loop");
        var handledIds = new List<RedisValue>();

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
        Assert.Equal(((string?)failing, "fragile", 1L), pending);
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
        RedisValue id = await stream.AppendInRequestAsync(collector);
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
            await stream.AppendAsync(new NameValueEntry("n", 1));
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
        await stream.AppendAsync(new NameValueEntry("n", 1));
        StreamEntry raw = Assert.Single(await stream.ReadWithoutAckAsync("reader"));

        var message = new StreamMessage(stream.Name, raw.Id, raw.Values);

        Activity send = Assert.Single(collector.Spans);
        Assert.Equal(send.SpanId, message.ExtractTraceContext(MessagingTracer.Default).ActivityContext.SpanId);
    }

    [Fact]
    public async Task The_group_is_created_with_its_stream_once_and_an_existing_group_is_kept()
    {
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer();

        Assert.True(await consumer.EnsureGroupAsync());
        Assert.False(await consumer.EnsureGroupAsync());
        Assert.False(await stream.CreateConsumer("other").EnsureGroupAsync());
        Assert.Equal(0L, await stream.Database.StreamLengthAsync(stream.Name));
        Assert.Empty(await consumer.ReadAndProcessAsync((_, _) => Task.CompletedTask));
    }

    [Fact]
    public async Task A_new_group_starts_at_the_end_of_the_stream_by_default()
    {
        var stream = new RedisTestStream(broker);
        await stream.AppendAsync(new NameValueEntry("n", "before"));
        var consumer = new TracedStreamConsumer(stream.Database, MessagingTracer.Default, stream.Name, stream.Group, "late", new TracedStreamConsumerOptions { MaxWait = TimeSpan.Zero });
        Assert.Empty(await consumer.ReadAndProcessAsync((_, _) => Task.CompletedTask));
        RedisValue after = await stream.AppendAsync(new NameValueEntry("n", "after"));

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
        var processed = new List<RedisValue>();

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

        RedisValue[] ids = [await stream.AppendAsync(new NameValueEntry("n", 1)), await stream.AppendAsync(new NameValueEntry("n", 2))];
        await Wait.UntilAsync(() => { lock (processed) { return processed.Count == 2; } }, RedisTestStream.Timeout, "both entries processed by the loop");
        await stop.CancelAsync();

        await run.WaitAsync(RedisTestStream.Timeout);
        Assert.Equal(ids, processed);
        Assert.Empty(await stream.PendingAsync());
    }

    /// <summary>
    /// The protocols a dedicated multiplexer is opened with: RESP2 and RESP3 (StackExchange.Redis 3.x's default) on the
    /// newest set; the floor, 2.6.70, speaks RESP2 only and has no setting for it.
    /// </summary>
    public static TheoryData<string> Protocols() =>
#if REDIS_CLIENT_FLOOR
        new() { "resp2" };
#else
        new() { "resp2", "resp3" };
#endif

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task Blocking_on_the_server_reads_with_BLOCK_on_a_dedicated_multiplexer(string protocol)
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        using ConnectionMultiplexer dedicated = await ConnectAsync(protocol);
        TracedStreamConsumer consumer = stream.CreateConsumer(database: dedicated.GetDatabase(), configure: s =>
        {
            s.BlockOnServer = true;
            s.MaxWait = TimeSpan.FromMilliseconds(500);
        });
        await consumer.EnsureGroupAsync();

        // Nothing new: Redis answers nil when the block times out.
        var stopwatch = Stopwatch.StartNew();
        Assert.Empty(await consumer.ReadAndProcessAsync((_, _) => Task.CompletedTask));
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(450), RedisTestStream.Timeout);

        // An entry appended while the read blocks.
        Task<IReadOnlyList<StreamMessage>> blocked = RedisTestStream.ProcessNextAsync(consumer);
        RedisValue id = await stream.AppendInRequestAsync(collector);
        Assert.Equal(id, Assert.Single(await blocked).Id);
        await TraceAssert.ShapeAsync(collector, $"""
            request (internal)
            └── send {stream.Name} (producer)
                └┄┄ process {stream.Name} (consumer)
            """, spanCount: 3, RedisTestStream.Timeout);

        // Several entries in one reply, their values byte for byte (a name repeated, binary values).
        byte[] payload = [0x00, 0xFF, 0xC3, 0x28, 0x0D, 0x0A];
        NameValueEntry[] values = [new("payload", payload), new("tag", "a"), new("tag", "b")];
        RedisValue[] ids = [await stream.AppendAsync(values), await stream.AppendAsync(values)];
        IReadOnlyList<StreamMessage> both = await RedisTestStream.ProcessNextAsync(consumer);
        Assert.Equal(ids, both.Select(m => m.Id));
        Assert.All(both, m =>
        {
            Assert.Equal(["payload", "tag", "tag", "traceparent"], m.Values.Select(v => (string?)v.Name));
            Assert.Equal(payload, (byte[]?)m.Values[0].Value);
            Assert.Equal(["a", "b"], m.Values.Skip(1).Take(2).Select(v => (string?)v.Value));
            Assert.Equal(1, m.DeliveryCount);
        });
        Assert.Empty(await stream.PendingAsync());
    }

    [Fact]
    public async Task A_recovery_pass_goes_on_from_its_cursor_at_the_next_read_and_the_next_pass_waits_for_the_interval()
    {
        var stream = new RedisTestStream(broker);
        TimeSpan minIdle = TimeSpan.FromMilliseconds(100);
        RedisValue[] ids = [await stream.AppendAsync(new NameValueEntry("n", 1)), await stream.AppendAsync(new NameValueEntry("n", 2)), await stream.AppendAsync(new NameValueEntry("n", 3))];
        Assert.Equal(3, (await stream.ReadWithoutAckAsync("dead-consumer")).Length);
        TracedStreamConsumer survivor = stream.CreateConsumer("survivor", configure: s =>
        {
            s.Count = 1;
            s.ClaimMinIdleTime = minIdle;
            s.ClaimInterval = TimeSpan.FromHours(1);
            s.MaxWait = TimeSpan.Zero;
        });
        await stream.WaitUntilIdleAsync("dead-consumer", minIdle);

        // One entry per round (Count), one round per read while the pass is under way, in the pending list's order.
        var recovered = new List<RedisValue>();
        for (int i = 0; i < ids.Length; i++)
        {
            recovered.Add(Assert.Single(await survivor.ReadAndProcessAsync((_, _) => Task.CompletedTask)).Id);
        }

        Assert.Equal(ids, recovered);

        // The pass has reached the end of the list: an entry left pending since waits for the next pass, an interval away…
        RedisValue late = await stream.AppendAsync(new NameValueEntry("n", 4));
        Assert.Single(await stream.ReadWithoutAckAsync("dead-consumer"));
        await stream.WaitUntilIdleAsync("dead-consumer", minIdle);
        Assert.Empty(await survivor.ReadAndProcessAsync((_, _) => throw new InvalidOperationException("recovered before the interval")));

        // …unless the application asks for a round now.
        Assert.Equal(late, Assert.Single(await survivor.ClaimAndProcessAsync((_, _) => Task.CompletedTask)).Id);
        Assert.Empty(await stream.PendingAsync());
    }

    [Fact]
    public async Task A_recovery_pass_reaches_idle_entries_behind_busy_ones()
    {
        var stream = new RedisTestStream(broker);

        // Long enough that the busy entries, claimed afresh below, cannot become idle while the test runs its two reads.
        TimeSpan minIdle = TimeSpan.FromSeconds(2);
        var ids = new List<RedisValue>();
        for (int i = 0; i < 12; i++)
        {
            ids.Add(await stream.AppendAsync(new NameValueEntry("n", i)));
        }

        Assert.Equal(12, (await stream.ReadWithoutAckAsync("dead-consumer")).Length);
        await stream.WaitUntilIdleAsync("dead-consumer", minIdle);

        // A live consumer takes the first eleven over and is still working on them: only the last entry is idle.
        await stream.Database.StreamClaimAsync(stream.Name, stream.Group, "busy", 0, [.. ids.Take(11)]);
        TracedStreamConsumer survivor = stream.CreateConsumer("survivor", configure: s =>
        {
            s.Count = 1;
            s.ClaimMinIdleTime = minIdle;
            s.ClaimInterval = TimeSpan.FromHours(1);
            s.MaxWait = TimeSpan.Zero;
        });

        // XAUTOCLAIM examines at most ten times COUNT pending entries per call: the first round sees only busy ones; the
        // next read goes on from the cursor instead of starting the list again.
        Assert.Empty(await survivor.ReadAndProcessAsync((_, _) => Task.CompletedTask));
        StreamMessage recovered = Assert.Single(await survivor.ReadAndProcessAsync((_, _) => Task.CompletedTask));

        Assert.Equal(ids[11], recovered.Id);
        Assert.Equal(2, recovered.DeliveryCount);
        Assert.Equal(11, (await stream.PendingAsync()).Count(p => p.Consumer == "busy"));
    }

    [Fact]
    public async Task An_entry_deleted_while_pending_is_not_handed_to_the_handler_and_leaves_the_pending_list()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TimeSpan minIdle = TimeSpan.FromMilliseconds(100);
        RedisValue deleted = await stream.AppendAsync(new NameValueEntry("n", "deleted"));
        RedisValue kept = await stream.AppendAsync(new NameValueEntry("n", "kept"));
        Assert.Equal(2, (await stream.ReadWithoutAckAsync("dead-consumer")).Length);
        Assert.Equal(1, await stream.Database.StreamDeleteAsync(stream.Name, [deleted]));
        TracedStreamConsumer survivor = stream.CreateConsumer("survivor", configure: s => s.ClaimMinIdleTime = minIdle);
        await stream.WaitUntilIdleAsync("dead-consumer", minIdle);
        var handled = new List<RedisValue>();

        IReadOnlyList<StreamMessage> recovered = await survivor.ClaimAndProcessAsync((m, _) =>
        {
            handled.Add(m.Id);
            return Task.CompletedTask;
        });

        Assert.Equal([kept], handled);
        Assert.Equal([kept], recovered.Select(m => m.Id));
        Assert.Empty(await stream.PendingAsync());
        Assert.Single(collector.Spans, s => s.Kind == ActivityKind.Consumer);
    }

    [Fact]
    public void Entries_without_values_are_never_processed()
    {
        // Redis 6.2 answers an entry deleted while pending as nil: StackExchange.Redis gives it without id or values.
        StreamEntry kept = new("1700000000000-1", [new NameValueEntry("n", 1)]);
        StreamEntry[] claimed = [StreamEntry.Null, new StreamEntry("1700000000000-0", []), kept];

        Assert.Equal([kept.Id], TracedStreamConsumer.WithValues(claimed).Select(e => e.Id));
        StreamEntry[] all = [kept];
        Assert.Same(all, TracedStreamConsumer.WithValues(all));
        Assert.Empty(TracedStreamConsumer.WithValues(null));
    }

    [Fact]
    public async Task Recovered_entries_carry_their_exact_delivery_counts()
    {
        using var collector = new SpanCollector();
        var stream = new RedisTestStream(broker);
        TimeSpan minIdle = TimeSpan.FromMilliseconds(100);
        RedisValue once = await stream.AppendAsync(new NameValueEntry("n", "once"));
        RedisValue thrice = await stream.AppendAsync(new NameValueEntry("n", "thrice"));
        Assert.Equal(2, (await stream.ReadWithoutAckAsync("dead-consumer")).Length);

        // Two more deliveries of the second entry: claimed (with its values) by another consumer that dies too.
        for (int i = 0; i < 2; i++)
        {
            Assert.Single(await stream.Database.StreamClaimAsync(stream.Name, stream.Group, "dead-too", 0, [thrice]));
        }

        await stream.WaitUntilIdleAsync("dead-consumer", minIdle);
        await stream.WaitUntilIdleAsync("dead-too", minIdle);
        TracedStreamConsumer survivor = stream.CreateConsumer("survivor", configure: s => s.ClaimMinIdleTime = minIdle);

        IReadOnlyList<StreamMessage> recovered = await survivor.ClaimAndProcessAsync((_, _) => Task.CompletedTask);

        Assert.Equal([(once, 2L), (thrice, 4L)], recovered.Select(m => (m.Id, m.DeliveryCount)));
        IEnumerable<Activity> processes = (await collector.WaitForSpansAsync(4, RedisTestStream.Timeout)).Where(s => s.Kind == ActivityKind.Consumer);
        Assert.Equal([2L, 4L], processes.OrderBy(s => (string?)s.GetTagItem("messaging.message.id"), StringComparer.Ordinal).Select(s => s.GetTagItem("messaging.redis.message.delivery_count")));
        Assert.Empty(await stream.PendingAsync());
    }

    [Fact]
    public async Task An_entry_of_another_stream_is_rejected()
    {
        var stream = new RedisTestStream(broker);
        TracedStreamConsumer consumer = stream.CreateConsumer();

        await Assert.ThrowsAsync<ArgumentException>(() => consumer.ProcessAsync(new StreamMessage("elsewhere", "1-0", [new NameValueEntry("n", 1)]), (_, _) => Task.CompletedTask));
    }

    [Fact]
    public void Settings_are_validated()
    {
        IDatabase database = broker.Database;
        Assert.Throws<ArgumentException>(() => new TracedStreamConsumer(database, MessagingTracer.Default, "s", "", "c"));
        Assert.ThrowsAny<ArgumentException>(() => new TracedStreamConsumer(database, MessagingTracer.Default, default(RedisKey), "g", "c"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TracedStreamConsumer(database, MessagingTracer.Default, "s", "g", "c", new TracedStreamConsumerOptions { Count = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TracedStreamConsumer(database, MessagingTracer.Default, "s", "g", "c", new TracedStreamConsumerOptions { PollInterval = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TracedStreamConsumer(database, MessagingTracer.Default, "s", "g", "c", options: new RedisTracingOptions { ReclaimedRelationship = (MessageRelationship)42 }));
    }

    /// <summary>A multiplexer of its own on the shared server, speaking <paramref name="protocol"/>.</summary>
    private async Task<ConnectionMultiplexer> ConnectAsync(string protocol)
    {
        ConfigurationOptions options = ConfigurationOptions.Parse(broker.Configuration);
#if REDIS_CLIENT_FLOOR
        Assert.Equal("resp2", protocol);
        return await ConnectionMultiplexer.ConnectAsync(options);
#else
        options.Protocol = protocol == "resp3" ? RedisProtocol.Resp3 : RedisProtocol.Resp2;
        ConnectionMultiplexer multiplexer = await ConnectionMultiplexer.ConnectAsync(options);
        Assert.Equal(options.Protocol, multiplexer.GetServer(multiplexer.GetEndPoints()[0]).Protocol);
        return multiplexer;
#endif
    }
}
