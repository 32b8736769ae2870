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

namespace Messaging.Tracing.Marten.Tests.Projections;

[Collection(PostgresDatabase.CollectionName)]
public class TracedEventProjectionTests(PostgresDatabase database)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_live_daemon_projects_each_event_in_a_process_span_that_follows_from_its_append()
    {
        // Listening to Marten makes the daemon's page span current while the page runs: the projection must set it aside.
        using var pageSpans = new MartenPageSpans();
        using var collector = new SpanCollector();
        var projection = new RecordingProjection(MessagingTracer.Default);
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Projections.Add(projection, ProjectionLifecycle.Async));
        using IProjectionDaemon daemon = await store.Store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();

        using (collector.StartRootSpan("request"))
        {
            await using IDocumentSession session = store.Store.LightweightSession();
            session.Events.StartStream<Band>(Guid.NewGuid(), new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        await Wait.UntilAsync(() => projection.Handled.Count >= 2, Timeout, "the projection to handle both events");
        await daemon.StopAllAsync();

        await TraceAssert.ShapeAsync(collector, """
            request (internal)
            └── append Band (producer)
                ├┄┄ process Recorder (consumer)
                └┄┄ process Recorder (consumer)
            """, spanCount: 4, Timeout);
        Assert.True(pageSpans.Started > 0, "the daemon's page span was never started");
        Activity append = collector.Spans.Single(s => s.Kind == ActivityKind.Producer);
        Assert.All(projection.Handled, handled =>
        {
            Assert.NotNull(handled.Current);
            Assert.Contains(handled.Current, collector.Spans);
            Assert.Equal(append.SpanId, handled.Current.ParentSpanId);
            Assert.Equal(append.TraceId.ToHexString(), handled.Current.GetTagItem("messaging.message.conversation_id"));
        });
    }

    [Fact]
    public async Task A_rebuild_projects_each_event_in_a_new_trace_linked_to_its_append_however_recent_the_event()
    {
        // The events are seconds old, well inside the live window: only the rebuild makes these spans new traces.
        using var collector = new SpanCollector();
        var projection = new RecordingProjection(MessagingTracer.Default);
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Projections.Add(projection, ProjectionLifecycle.Async));
        using (collector.StartRootSpan("request"))
        {
            await using IDocumentSession session = store.Store.LightweightSession();
            session.Events.StartStream<Band>(Guid.NewGuid(), new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        using IProjectionDaemon daemon = await store.Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(projection.Name, CancellationToken.None);
        await Wait.UntilAsync(() => projection.Handled.Count >= 2, Timeout, "the rebuild to handle both events");
        await daemon.StopAllAsync();

        await TraceAssert.ShapeAsync(collector, """
            request (internal)
            └── append Band (producer)
                ├┄┄ process Recorder (consumer) [new trace]
                └┄┄ process Recorder (consumer) [new trace]
            """, spanCount: 4, Timeout);
        Activity append = collector.Spans.Single(s => s.Kind == ActivityKind.Producer);
        HandlerSpanAssert.EachInNewTraceLinkedTo(append, projection.Handled.Select(h => h.Current));
    }

    [Fact]
    public async Task A_handler_exception_is_recorded_on_its_process_span_and_the_other_events_spans_stay_ok()
    {
        using var collector = new SpanCollector();
        var projection = new RecordingProjection(MessagingTracer.Default) { FailOn = typeof(ReviewAdded) };
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Projections.Add(projection, ProjectionLifecycle.Async));
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
    public async Task An_inline_projection_runs_in_the_appending_code_s_span_without_a_process_span()
    {
        using var collector = new SpanCollector();
        var projection = new RecordingProjection(MessagingTracer.Default);
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Projections.Add(projection, ProjectionLifecycle.Inline));

        Activity request;
        using (request = collector.StartRootSpan("request"))
        {
            await using IDocumentSession session = store.Store.LightweightSession();
            session.Events.StartStream<Band>(Guid.NewGuid(), new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        await TraceAssert.ShapeAsync(collector, """
            request (internal)
            └── append Band (producer)
            """, spanCount: 2, Timeout);
        Assert.Equal(2, projection.Handled.Count);
        Assert.All(projection.Handled, handled => Assert.Same(request, handled.Current));
    }

    [Fact]
    public async Task Live_events_are_measured_with_their_time_in_queue_and_a_rebuild_of_them_without()
    {
        using var metrics = new MeasurementCollector();
        string name = "Metered" + Guid.NewGuid().ToString("N");
        var projection = new RecordingProjection(MessagingTracer.Default, name);
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options => options.Projections.Add(projection, ProjectionLifecycle.Async));
        using IProjectionDaemon daemon = await store.Store.BuildProjectionDaemonAsync();
        await daemon.StartAllAsync();
        await using (IDocumentSession session = store.Store.LightweightSession())
        {
            session.Events.StartStream<Band>(Guid.NewGuid(), new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        await metrics.WaitForAsync(MessagingMeter.ProcessDuration, name, 2, Timeout);
        await daemon.RebuildProjectionAsync(name, CancellationToken.None);
        await metrics.WaitForAsync(MessagingMeter.ProcessDuration, name, 4, Timeout);
        await daemon.StopAllAsync();

        Assert.Equal(4, metrics.Sum(MessagingMeter.ConsumedMessages, name));
        Assert.Equal(2, metrics.For(MessagingMeter.QueueDuration, name).Count);
        Assert.All(metrics.For(MessagingMeter.ProcessDuration, name), m =>
        {
            Assert.Equal("marten", m.Tag("messaging.system"));
            Assert.Equal(name, m.Tag("messaging.destination.name"));
            Assert.Null(m.Tag("error.type"));
        });
    }
}
