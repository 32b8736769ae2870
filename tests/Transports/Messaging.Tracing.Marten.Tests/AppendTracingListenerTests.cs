using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using OpenTelemetry;
using Xunit;

namespace Messaging.Tracing.Marten.Tests;

[Collection(PostgresDatabase.CollectionName)]
public class AppendTracingListenerTests(PostgresDatabase database)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_append_in_a_request_gets_one_append_span_whose_context_every_stored_event_carries()
    {
        using var collector = new SpanCollector();
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default);
        var streamId = Guid.NewGuid();

        Activity request = collector.StartRootSpan("request");
        await using (IDocumentSession session = store.Store.LightweightSession())
        {
            session.Events.StartStream<Band>(streamId, new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        request.Stop();

        await TraceAssert.ShapeAsync(collector, """
            request (internal)
            └── append Band (producer)
            """, spanCount: 2, Timeout);
        Activity append = collector.Spans.Single(s => s.Kind == ActivityKind.Producer);
        Assert.True(append.IsStopped);
        Assert.Equal("marten", append.GetTagItem("messaging.system"));
        Assert.Equal("send", append.GetTagItem("messaging.operation.type"));
        Assert.Equal("append", append.GetTagItem("messaging.operation.name"));
        Assert.Equal(streamId.ToString("D"), append.GetTagItem("messaging.destination.name"));
        Assert.Equal("Band", append.GetTagItem("messaging.destination.template"));
        Assert.Equal(2, append.GetTagItem("messaging.batch.message_count"));

        string traceparent = TraceParentCodec.Format(append.Context);
        await using (IQuerySession query = store.Store.QuerySession())
        {
            IReadOnlyList<IEvent> events = await query.Events.FetchStreamAsync(streamId);
            Assert.Equal(2, events.Count);
            Assert.All(events, e => Assert.Equal(traceparent, Convert.ToString(e.GetHeader("traceparent"), null)));
        }

        IReadOnlyList<StoredEventRow> rows = await store.ReadRawAsync(streamId);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row =>
        {
            Assert.Equal(traceparent, row.Header("traceparent"));
            Assert.Null(row.Header("tracestate"));
            Assert.Null(row.Header("baggage"));
            Assert.Equal(request.TraceId.ToHexString(), row.CorrelationId);
        });
    }

    [Fact]
    public async Task A_save_of_several_streams_gets_one_append_span_and_a_save_without_events_none()
    {
        using var collector = new SpanCollector();
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default);
        Guid[] streams = [Guid.NewGuid(), Guid.NewGuid()];

        using (Activity request = collector.StartRootSpan("request"))
        {
            await using IDocumentSession session = store.Store.LightweightSession();
            session.Store(new Note { Id = Guid.NewGuid(), Text = "documents only" });
            await session.SaveChangesAsync();

            session.Events.StartStream<Band>(streams[0], new BandRegistered("Low"));
            session.Events.StartStream<Band>(streams[1], new BandRegistered("Slowdive"), new ReviewAdded(4));
            await session.SaveChangesAsync();
        }

        await TraceAssert.ShapeAsync(collector, """
            request (internal)
            └── append Band (producer)
            """, spanCount: 2, Timeout);
        Activity append = collector.Spans.Single(s => s.Kind == ActivityKind.Producer);
        Assert.Null(append.GetTagItem("messaging.destination.name"));
        Assert.Equal(3, append.GetTagItem("messaging.batch.message_count"));
        foreach (Guid stream in streams)
        {
            Assert.All(await store.ReadRawAsync(stream), row => Assert.Equal(TraceParentCodec.Format(append.Context), row.Header("traceparent")));
        }
    }

    [Fact]
    public async Task Streams_of_no_single_known_type_get_an_append_span_named_append()
    {
        using var collector = new SpanCollector();
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default);
        var streamId = Guid.NewGuid();

        await using (IDocumentSession session = store.Store.LightweightSession())
        {
            session.Events.StartStream(streamId, new BandRegistered("Low"));
            await session.SaveChangesAsync();
        }

        await TraceAssert.ShapeAsync(collector, "append (producer)", spanCount: 1, Timeout);
        Activity append = Assert.Single(collector.Spans);
        Assert.Equal(streamId.ToString("D"), append.GetTagItem("messaging.destination.name"));
        Assert.Null(append.GetTagItem("messaging.destination.template"));
        Assert.Null(append.GetTagItem("messaging.batch.message_count"));
    }

    [Fact]
    public async Task Stale_trace_headers_are_replaced_and_the_current_baggage_is_written()
    {
        using var collector = new SpanCollector();
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default);
        var streamId = Guid.NewGuid();
        Baggage.Current = Baggage.Create(new Dictionary<string, string> { ["tenant"] = "acme" });

        using (collector.StartRootSpan("request"))
        {
            await using IDocumentSession session = store.Store.LightweightSession();
            session.SetHeader("traceparent", "00-11111111111111111111111111111111-2222222222222222-01");
            session.SetHeader("tracestate", "stale=1");
            session.SetHeader("user-header", "kept");
            session.Events.StartStream<Band>(streamId, new BandRegistered("Low"));
            await session.SaveChangesAsync();
        }

        Activity append = collector.Spans.Single(s => s.Kind == ActivityKind.Producer);
        StoredEventRow row = Assert.Single(await store.ReadRawAsync(streamId));
        Assert.Equal(TraceParentCodec.Format(append.Context), row.Header("traceparent"));
        Assert.Null(row.Header("tracestate"));
        Assert.Equal("tenant=acme", row.Header("baggage"));
        Assert.Equal("kept", row.Header("user-header"));
    }

    [Fact]
    public async Task With_no_span_anywhere_a_stale_traceparent_is_removed_not_stored()
    {
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default);
        var streamId = Guid.NewGuid();
        Assert.Null(Activity.Current);

        await using (IDocumentSession session = store.Store.LightweightSession())
        {
            session.SetHeader("traceparent", "00-11111111111111111111111111111111-2222222222222222-01");
            session.Events.StartStream<Band>(streamId, new BandRegistered("Low"));
            await session.SaveChangesAsync();
        }

        StoredEventRow row = Assert.Single(await store.ReadRawAsync(streamId));
        Assert.NotNull(row.HeadersJson);
        Assert.Null(row.Header("traceparent"));
    }

    [Fact]
    public async Task Correlation_and_causation_come_from_the_current_span_unless_the_application_set_them()
    {
        using var collector = new SpanCollector();
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default);
        Guid[] streams = [Guid.NewGuid(), Guid.NewGuid()];

        // Opened before the request, so Marten found no span to take the ids from when it opened the session.
        await using IDocumentSession session = store.Store.LightweightSession();
        Assert.Null(session.CorrelationId);
        Activity request = collector.StartRootSpan("request");
        session.Events.StartStream<Band>(streams[0], new BandRegistered("Low"));
        await session.SaveChangesAsync();

        session.CorrelationId = "order-42";
        session.CausationId = "command-7";
        session.Events.StartStream<Band>(streams[1], new BandRegistered("Slowdive"));
        await session.SaveChangesAsync();
        request.Stop();

        StoredEventRow derived = Assert.Single(await store.ReadRawAsync(streams[0]));
        Assert.Equal(request.TraceId.ToHexString(), derived.CorrelationId);
        Assert.Equal(request.Id, derived.CausationId);
        StoredEventRow chosen = Assert.Single(await store.ReadRawAsync(streams[1]));
        Assert.Equal("order-42", chosen.CorrelationId);
        Assert.Equal("command-7", chosen.CausationId);
    }

    [Fact]
    public async Task A_throwing_enrichment_callback_never_fails_the_save()
    {
        using var collector = new SpanCollector();
        var tracer = new MessagingTracer(new MessagingTracingOptions
        {
            EnrichProducerSpan = (_, _) => throw new InvalidOperationException("enrichment failed"),
        });
        await using var store = MartenTestStore.Create(database, tracer);
        var streamId = Guid.NewGuid();

        await using (IDocumentSession session = store.Store.LightweightSession())
        {
            session.Events.StartStream<Band>(streamId, new BandRegistered("Low"));
            await session.SaveChangesAsync();
        }

        Activity append = Assert.Single(collector.Spans);
        Assert.True(append.IsStopped);
        StoredEventRow row = Assert.Single(await store.ReadRawAsync(streamId));
        Assert.Equal(TraceParentCodec.Format(append.Context), row.Header("traceparent"));
    }

    [Fact]
    public async Task The_append_span_is_current_while_the_save_runs_and_the_callers_span_is_current_after_it()
    {
        using var collector = new SpanCollector();
        Activity? duringSave = null;
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options =>
            options.Listeners.Add(new CurrentSpanProbe(span => duringSave = span)));

        using Activity request = collector.StartRootSpan("request");
        await using (IDocumentSession session = store.Store.LightweightSession())
        {
            session.Events.StartStream<Band>(Guid.NewGuid(), new BandRegistered("Low"));
            await session.SaveChangesAsync();
        }

        Activity append = collector.Spans.Single(s => s.Kind == ActivityKind.Producer);
        Assert.Same(append, duringSave);
        Assert.Same(request, Activity.Current);
    }

    [Fact]
    public async Task A_save_that_fails_in_the_database_fails_as_untraced_leaves_the_callers_span_current_and_exports_no_append_span()
    {
        using var collector = new SpanCollector();
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default);
        var note = new Note { Id = Guid.NewGuid(), Text = "first" };
        await using (IDocumentSession first = store.Store.LightweightSession())
        {
            first.Insert(note);
            await first.SaveChangesAsync();
        }

        var streamId = Guid.NewGuid();
        using Activity request = collector.StartRootSpan("request");
        await using (IDocumentSession second = store.Store.LightweightSession())
        {
            // The duplicate insert fails in PostgreSQL, after the tracing listener ran.
            second.Events.StartStream<Band>(streamId, new BandRegistered("Low"));
            second.Insert(new Note { Id = note.Id, Text = "duplicate" });
            await Assert.ThrowsAnyAsync<Exception>(() => second.SaveChangesAsync());
        }

        Assert.Same(request, Activity.Current);
        request.Stop();
        Assert.Empty(await store.ReadRawAsync(streamId));

        // Marten calls no listener when the batch fails: the append span is never ended, so never exported (docs/marten.md).
        TraceAssert.Shape("request (internal)", collector.Spans);
    }

    [Fact]
    public async Task Inline_projections_run_before_the_append_span_in_the_callers_span_and_need_no_restore()
    {
        using var collector = new SpanCollector();
        var seen = new List<(Activity? Current, object? TraceParent)>();
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default, options =>
            options.Projections.Add(new CurrentSpanProjection((current, traceparent) => seen.Add((current, traceparent))), ProjectionLifecycle.Inline));

        using Activity request = collector.StartRootSpan("request");
        await using (IDocumentSession session = store.Store.LightweightSession())
        {
            session.Events.StartStream<Band>(Guid.NewGuid(), new BandRegistered("Low"), new ReviewAdded(5));
            await session.SaveChangesAsync();
        }

        Assert.Equal(2, seen.Count);
        Assert.All(seen, s =>
        {
            Assert.Same(request, s.Current);
            Assert.Null(s.TraceParent);
        });
    }

    [Fact]
    public async Task Each_save_with_events_is_one_send_of_its_events_under_the_aggregate_type_with_no_span_listener()
    {
        using (var probe = new ActivitySource(MessagingActivitySource.Name))
        {
            Assert.False(probe.HasListeners(), "no span collector may be active while this test runs");
        }

        using var metrics = new MeasurementCollector();
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default);
        var streamId = Guid.NewGuid();

        await using (IDocumentSession session = store.Store.LightweightSession())
        {
            session.Events.StartStream<Gig>(streamId, new BandRegistered("Low"), new ReviewAdded(5));
            session.Events.StartStream<Gig>(Guid.NewGuid(), new ReviewAdded(3));
            await session.SaveChangesAsync();

            session.Store(new Note { Id = Guid.NewGuid(), Text = "documents only" });
            await session.SaveChangesAsync();

            session.Events.StartStream<Gig>(Guid.NewGuid(), new ReviewAdded(4));
            await session.SaveChangesAsync();
        }

        IReadOnlyList<RecordedMeasurement> sent = metrics.For(MessagingMeter.SentMessages, nameof(Gig));
        Assert.Equal([3.0, 1.0], sent.Select(m => m.Value));
        IReadOnlyList<RecordedMeasurement> durations = metrics.For(MessagingMeter.ClientOperationDuration, nameof(Gig));
        Assert.Equal(2, durations.Count);
        Assert.All(sent.Concat(durations), m =>
        {
            Assert.Equal("marten", m.Tag("messaging.system"));
            Assert.Equal("append", m.Tag("messaging.operation.name"));
            Assert.Equal("send", m.Tag("messaging.operation.type"));
            Assert.Equal(nameof(Gig), m.Tag("messaging.destination.template"));
            Assert.Null(m.Tag("messaging.destination.name"));
            Assert.Null(m.Tag("error.type"));
        });
        Assert.DoesNotContain(metrics.Measurements, m => m.Tag("messaging.destination.name") == streamId.ToString("D"));
    }

    [Fact]
    public async Task A_save_that_fails_in_the_database_is_not_measured()
    {
        using var metrics = new MeasurementCollector();
        await using var store = MartenTestStore.Create(database, MessagingTracer.Default);
        var note = new Note { Id = Guid.NewGuid(), Text = "first" };
        await using (IDocumentSession first = store.Store.LightweightSession())
        {
            first.Insert(note);
            await first.SaveChangesAsync();
        }

        await using (IDocumentSession second = store.Store.LightweightSession())
        {
            second.Events.StartStream<Gig>(Guid.NewGuid(), new BandRegistered("Low"));
            second.Insert(new Note { Id = note.Id, Text = "duplicate" });
            await Assert.ThrowsAnyAsync<Exception>(() => second.SaveChangesAsync());
        }

        // Marten calls no listener when the batch fails: like the append span, the send is never completed (docs/marten.md).
        Assert.Empty(metrics.For(MessagingMeter.SentMessages, nameof(Gig)));
        Assert.Empty(metrics.For(MessagingMeter.ClientOperationDuration, nameof(Gig)));

        await using (IDocumentSession third = store.Store.LightweightSession())
        {
            third.Events.StartStream<Gig>(Guid.NewGuid(), new BandRegistered("Low"));
            await third.SaveChangesAsync();
        }

        Assert.Equal(1, metrics.Sum(MessagingMeter.SentMessages, nameof(Gig)));
    }
}
