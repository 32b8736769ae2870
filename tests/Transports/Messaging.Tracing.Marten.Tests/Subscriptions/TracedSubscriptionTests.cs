using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Testing;
using Xunit;

namespace Messaging.Tracing.Marten.Tests.Subscriptions;

[Collection(PostgresDatabase.CollectionName)]
public class TracedSubscriptionTests(PostgresDatabase database)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_live_daemon_handles_each_event_in_a_process_span_that_follows_from_its_append()
    {
        // Listening to Marten makes the daemon's page span current while the page runs: the subscription must set it aside.
        // That span is a trace of its own, left out of the collector.
        using var pageSpans = new MartenPageSpans();
        using var collector = new SpanCollector();
        var subscription = new RecordingSubscription(MessagingTracer.Default);
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Events.Subscribe(subscription));
        using IProjectionDaemon daemon = await store.Store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();

        using (collector.StartRootSpan("request"))
        {
            await using IDocumentSession session = store.Store.LightweightSession();
            session.Events.StartStream<Band>(Guid.NewGuid(), new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        await Wait.UntilAsync(() => subscription.Handled.Count >= 2, Timeout, "the subscription to handle both events");
        await daemon.StopAllAsync();

        await TraceAssert.ShapeAsync(collector, """
            request (internal)
            └── append Band (producer)
                ├┄┄ process Recorder (consumer)
                └┄┄ process Recorder (consumer)
            """, spanCount: 4, Timeout);
        Assert.True(pageSpans.Started > 0, "the daemon's page span was never started");
        Activity append = collector.Spans.Single(s => s.Kind == ActivityKind.Producer);
        Assert.All(subscription.Handled, handled =>
        {
            Assert.NotNull(handled.Current);
            Assert.Equal(append.SpanId, handled.Current.ParentSpanId);
            Assert.Equal(append.TraceId.ToHexString(), handled.Current.GetTagItem("messaging.message.conversation_id"));
        });
    }

    [Fact]
    public async Task A_subscription_shard_run_in_rebuild_mode_handles_each_event_in_a_new_trace_linked_to_its_append()
    {
        using var collector = new SpanCollector();
        var subscription = new RecordingSubscription(MessagingTracer.Default);
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Events.Subscribe(subscription));
        using IProjectionDaemon daemon = await store.Store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        ShardName shard = daemon.CurrentAgents().Single().Name;
        await daemon.StopAgentAsync(shard);

        using (collector.StartRootSpan("request"))
        {
            await using IDocumentSession session = store.Store.LightweightSession();
            session.Events.StartStream<Band>(Guid.NewGuid(), new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        await daemon.StartAgentInRebuildModeAsync(shard, CancellationToken.None);
        await Wait.UntilAsync(() => subscription.Handled.Count >= 2, Timeout, "the subscription to handle both events");
        await daemon.StopAllAsync();

        await TraceAssert.ShapeAsync(collector, """
            request (internal)
            └── append Band (producer)
                ├┄┄ process Recorder (consumer) [new trace]
                └┄┄ process Recorder (consumer) [new trace]
            """, spanCount: 4, Timeout);
        Activity append = collector.Spans.Single(s => s.Kind == ActivityKind.Producer);
        HandlerSpanAssert.EachInNewTraceLinkedTo(append, subscription.Handled.Select(h => h.Current));
    }

    [Fact]
    public async Task A_daemon_started_after_the_append_reports_continuous_mode_so_its_spans_follow_from_the_append()
    {
        // Marten does not flag a backlog worked through after downtime: the shard runs in Continuous mode (pinned here).
        using var collector = new SpanCollector();
        var subscription = new RecordingSubscription(MessagingTracer.Default);
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Events.Subscribe(subscription));

        using (collector.StartRootSpan("request"))
        {
            await using IDocumentSession session = store.Store.LightweightSession();
            session.Events.StartStream<Band>(Guid.NewGuid(), new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        using IProjectionDaemon daemon = await store.Store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await Wait.UntilAsync(() => subscription.Handled.Count >= 2, Timeout, "the subscription to handle both events");
        await daemon.StopAllAsync();

        await TraceAssert.ShapeAsync(collector, """
            request (internal)
            └── append Band (producer)
                ├┄┄ process Recorder (consumer)
                └┄┄ process Recorder (consumer)
            """, spanCount: 4, Timeout);
    }

    [Fact]
    public async Task A_daemon_catching_up_on_events_older_than_the_live_window_handles_each_in_a_new_trace_linked_to_its_append()
    {
        // Catch-up after downtime: the daemon starts after the append and reports Continuous, but the events are older than
        // the window when it reaches them.
        TimeSpan window = TimeSpan.FromMilliseconds(200);
        using var collector = new SpanCollector();
        var subscription = new RecordingSubscription(MessagingTracer.Default) { Window = window };
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Events.Subscribe(subscription));
        var streamId = Guid.NewGuid();
        using (collector.StartRootSpan("request"))
        {
            await using IDocumentSession session = store.Store.LightweightSession();
            session.Events.StartStream<Band>(streamId, new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        DateTimeOffset stored = await store.NewestTimestampAsync(streamId);
        await Wait.UntilAsync(() => DateTimeOffset.UtcNow - stored > window, Timeout, "the events to be older than the live window");
        using IProjectionDaemon daemon = await store.Store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        Assert.Equal(ShardExecutionMode.Continuous, daemon.CurrentAgents().Single().Mode);
        await Wait.UntilAsync(() => subscription.Handled.Count >= 2, Timeout, "the subscription to handle both events");
        await daemon.StopAllAsync();

        await TraceAssert.ShapeAsync(collector, """
            request (internal)
            └── append Band (producer)
                ├┄┄ process Recorder (consumer) [new trace]
                └┄┄ process Recorder (consumer) [new trace]
            """, spanCount: 4, Timeout);
        Activity append = collector.Spans.Single(s => s.Kind == ActivityKind.Producer);
        HandlerSpanAssert.EachInNewTraceLinkedTo(append, subscription.Handled.Select(h => h.Current));
    }

    [Fact]
    public void The_live_window_is_five_minutes_by_default_accepts_infinite_and_rejects_a_negative_duration()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), new RecordingSubscription(MessagingTracer.Default).Window);
        TimeSpan infinite = System.Threading.Timeout.InfiniteTimeSpan;
        Assert.Equal(infinite, new RecordingSubscription(MessagingTracer.Default) { Window = infinite }.Window);
        Assert.Equal(TimeSpan.Zero, new RecordingSubscription(MessagingTracer.Default) { Window = TimeSpan.Zero }.Window);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecordingSubscription(MessagingTracer.Default) { Window = TimeSpan.FromSeconds(-1) });
    }

    [Fact]
    public async Task A_handler_exception_is_recorded_on_its_process_span_and_the_other_events_spans_stay_ok()
    {
        using var collector = new SpanCollector();
        var subscription = new RecordingSubscription(MessagingTracer.Default) { FailOn = typeof(ReviewAdded) };
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Events.Subscribe(subscription));
        using IProjectionDaemon daemon = await store.Store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();

        using (collector.StartRootSpan("request"))
        {
            await using IDocumentSession session = store.Store.LightweightSession();
            session.Events.StartStream<Band>(Guid.NewGuid(), new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        IReadOnlyList<Activity> spans = await collector.WaitForAsync(
            all => all.Any(s => s.Kind == ActivityKind.Consumer && s.Status == ActivityStatusCode.Error),
            Timeout);
        await daemon.StopAllAsync();

        Activity failed = spans.First(s => s.Kind == ActivityKind.Consumer && s.Status == ActivityStatusCode.Error);
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.GetTagItem("error.type"));
        Activity append = spans.Single(s => s.Kind == ActivityKind.Producer);
        Assert.Equal(append.SpanId, failed.ParentSpanId);
        Assert.Contains(spans, s => s.Kind == ActivityKind.Consumer && s.Status != ActivityStatusCode.Error);
    }

    [Fact]
    public async Task A_live_daemon_counts_each_event_and_measures_its_processing_and_its_time_in_queue_from_the_stored_timestamp()
    {
        using var metrics = new MeasurementCollector();
        string name = "Metered" + Guid.NewGuid().ToString("N");
        var subscription = new RecordingSubscription(MessagingTracer.Default, name) { FailOn = typeof(ReviewAdded) };
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Events.Subscribe(subscription));
        using IProjectionDaemon daemon = await store.Store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();

        DateTimeOffset before = DateTimeOffset.UtcNow;
        await using (IDocumentSession session = store.Store.LightweightSession())
        {
            session.Events.StartStream<Band>(Guid.NewGuid(), new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        await metrics.WaitForAsync(MessagingMeter.ProcessDuration, name, 2, Timeout);
        TimeSpan elapsed = DateTimeOffset.UtcNow - before;
        await daemon.StopAllAsync();

        Assert.Equal(2, metrics.Sum(MessagingMeter.ConsumedMessages, name));
        IReadOnlyList<RecordedMeasurement> durations = metrics.For(MessagingMeter.ProcessDuration, name);
        Assert.Equal([null, typeof(InvalidOperationException).FullName], durations.Select(m => m.Tag("error.type")));
        IReadOnlyList<RecordedMeasurement> queued = metrics.For(MessagingMeter.QueueDuration, name);
        Assert.Equal(2, queued.Count);

        // Two clocks, PostgreSQL's and this one, on one machine here: the wait lies within the test's own time.
        Assert.All(queued, m => Assert.InRange(m.Value, 0, elapsed.TotalSeconds + 1));
        Assert.All(metrics.For(MessagingMeter.ConsumedMessages, name).Concat(durations).Concat(queued), m =>
        {
            Assert.Equal("marten", m.Tag("messaging.system"));
            Assert.Equal("process", m.Tag("messaging.operation.type"));
            Assert.Equal(name, m.Tag("messaging.destination.name"));
        });
    }

    [Fact]
    public async Task A_daemon_catching_up_measures_the_events_wait_since_they_were_stored()
    {
        TimeSpan window = TimeSpan.FromMilliseconds(200);
        using var metrics = new MeasurementCollector();
        string name = "Metered" + Guid.NewGuid().ToString("N");
        var subscription = new RecordingSubscription(MessagingTracer.Default, name) { Window = window };
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Events.Subscribe(subscription));
        var streamId = Guid.NewGuid();
        await using (IDocumentSession session = store.Store.LightweightSession())
        {
            session.Events.StartStream<Band>(streamId, new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        DateTimeOffset stored = await store.NewestTimestampAsync(streamId);
        await Wait.UntilAsync(() => DateTimeOffset.UtcNow - stored > window, Timeout, "the events to be older than the live window");
        using IProjectionDaemon daemon = await store.Store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await metrics.WaitForAsync(MessagingMeter.ProcessDuration, name, 2, Timeout);
        await daemon.StopAllAsync();

        Assert.Equal(2, metrics.Sum(MessagingMeter.ConsumedMessages, name));
        IReadOnlyList<RecordedMeasurement> queued = metrics.For(MessagingMeter.QueueDuration, name);
        Assert.Equal(2, queued.Count);
        Assert.All(queued, m => Assert.True(m.Value >= window.TotalSeconds, $"waited {m.Value} s, stored over {window.TotalSeconds} s before"));
    }

    [Fact]
    public async Task A_rebuild_counts_and_measures_each_event_but_records_no_time_in_queue()
    {
        using var metrics = new MeasurementCollector();
        string name = "Metered" + Guid.NewGuid().ToString("N");
        var subscription = new RecordingSubscription(MessagingTracer.Default, name);
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Events.Subscribe(subscription));
        using IProjectionDaemon daemon = await store.Store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        ShardName shard = daemon.CurrentAgents().Single().Name;
        await daemon.StopAgentAsync(shard);

        await using (IDocumentSession session = store.Store.LightweightSession())
        {
            session.Events.StartStream<Band>(Guid.NewGuid(), new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        await daemon.StartAgentInRebuildModeAsync(shard, CancellationToken.None);
        await metrics.WaitForAsync(MessagingMeter.ProcessDuration, name, 2, Timeout);
        await daemon.StopAllAsync();

        Assert.Equal(2, metrics.Sum(MessagingMeter.ConsumedMessages, name));
        Assert.Empty(metrics.For(MessagingMeter.QueueDuration, name));
    }
}
