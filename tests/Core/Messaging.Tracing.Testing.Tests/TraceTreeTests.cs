using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Messaging.Tracing.Spans;
using OpenTelemetry.Context.Propagation;
using Xunit;

namespace Messaging.Tracing.Testing.Tests;

public sealed class TraceTreeTests
{
    private const string SourceName = "Messaging.Tracing.Testing.Tests.TraceTree";
    private static readonly ActivitySource Source = new(SourceName);
    private static readonly MessagingTracer Tracer = new(new MessagingTracingOptions());
    private static readonly MessagingOperation Send = new("kafka", MessagingOperationType.Send, "send", "orders");
    private static readonly MessagingOperation Process = new("kafka", MessagingOperationType.Process, "process", "orders");
    private static readonly MessagingOperation Replay = new("kafka", MessagingOperationType.Process, "replay", "orders");
    private static readonly DateTime T0 = new(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_ChildOf_chain_is_drawn_with_solid_edges()
    {
        using var collector = new SpanCollector(SourceName);
        ActivityContext producer = Request(collector);
        using (Tracer.StartProcess(new PropagationContext(producer, default), Process, MessageRelationship.ChildOf))
        {
            Source.StartActivity("handle")?.Stop();
        }

        Assert.Equal(
            """
            request (server)
            └── send orders (producer)
                └── process orders (consumer)
                    └── handle (internal)
            """,
            TraceTree.Build(collector.Spans).RenderCausal());
    }

    [Fact]
    public void A_FollowsFrom_consumer_in_the_same_trace_is_drawn_with_a_dotted_edge()
    {
        using var collector = new SpanCollector(SourceName);
        ActivityContext producer = Request(collector);
        using (ProcessScope scope = Tracer.StartProcess(new PropagationContext(producer, default), Process, MessageRelationship.FollowsFrom))
        {
            Assert.Equal(producer.TraceId, scope.Activity!.TraceId);
        }

        Assert.Equal(
            """
            request (server)
            └── send orders (producer)
                └┄┄ process orders (consumer)
            """,
            TraceTree.Build(collector.Spans).RenderCausal());
    }

    [Fact]
    public void A_NewTrace_consumer_hangs_under_its_linked_producer_marked_new_trace()
    {
        using var collector = new SpanCollector(SourceName);
        ActivityContext producer = Request(collector);
        ActivityContext process;
        using (ProcessScope scope = Tracer.StartProcess(new PropagationContext(producer, default), Process, MessageRelationship.FollowsFrom))
        {
            process = scope.Activity!.Context;
        }

        using (ProcessScope scope = Tracer.StartProcess(new PropagationContext(process, default), Replay, MessageRelationship.NewTrace))
        {
            Assert.NotEqual(producer.TraceId, scope.Activity!.TraceId);
            Source.StartActivity("project")?.Stop();
        }

        Assert.Equal(
            """
            request (server)
            └── send orders (producer)
                └┄┄ process orders (consumer)
                    └┄┄ replay orders (consumer) [new trace]
                        └── project (internal)
            """,
            TraceTree.Build(collector.Spans).RenderCausal());
    }

    [Fact]
    public void A_failed_span_is_marked_with_its_error_type()
    {
        using var collector = new SpanCollector(SourceName);
        ActivityContext producer = Request(collector);
        using (ProcessScope scope = Tracer.StartProcess(new PropagationContext(producer, default), Process, MessageRelationship.FollowsFrom))
        {
            scope.RecordException(new InvalidOperationException("boom"));
        }

        Assert.Equal(
            """
            request (server)
            └── send orders (producer)
                └┄┄ process orders (consumer) ✗ System.InvalidOperationException
            """,
            TraceTree.Build(collector.Spans).RenderCausal());
    }

    [Fact]
    public void A_consumer_of_an_uncollected_producer_is_a_root_marked_as_such()
    {
        using var collector = new SpanCollector(SourceName);
        var remote = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        Tracer.StartProcess(new PropagationContext(remote, default), Process, MessageRelationship.FollowsFrom).Dispose();
        Tracer.StartProcess(new PropagationContext(remote, default), Replay, MessageRelationship.NewTrace).Dispose();

        Assert.Equal(
            """
            process orders (consumer) [parent not collected] [linked]
            replay orders (consumer) [linked]
            """,
            TraceTree.Build(collector.Spans).RenderCausal());
    }

    [Fact]
    public void Siblings_and_roots_are_ordered_by_their_text_not_by_when_they_started()
    {
        string forward = Fanout(["a", "b", "c"], out IReadOnlyList<Activity> spans);
        string backward = Fanout(["c", "b", "a"], out _);

        Assert.Equal(
            """
            other (internal)
            request (server)
            ├── a (internal)
            ├── b (internal)
            │   └── b1 (internal)
            ├── b (internal)
            │   └┄┄ b (consumer)
            └── c (internal)
            """,
            forward);
        Assert.Equal(forward, backward);
        Assert.Equal(forward, TraceTree.Build(spans.Reverse()).RenderCausal());
        Assert.Equal(forward, TraceTree.Build(spans.Concat(spans)).ToString());
    }

    [Fact]
    public void The_timeline_draws_the_causal_rows_each_with_a_bar_scaled_to_the_width_and_a_duration_under_a_scale()
    {
        using var collector = new SpanCollector(SourceName);
        ActivityContext producer;
        using (Activity request = Timed(collector.StartRootSpan("request", ActivityKind.Server), 0))
        {
            using (Activity send = Timed(Tracer.StartProducer(Send)!, 10, 20))
            {
                producer = send.Context;
            }

            request.SetEndTime(T0.AddMilliseconds(40));
        }

        using (ProcessScope scope = Tracer.StartProcess(new PropagationContext(producer, default), Process, MessageRelationship.FollowsFrom))
        {
            Timed(scope.Activity!, 50, 100);
        }

        TraceTree tree = TraceTree.Build(collector.Spans);

        Assert.Equal(
            """
                                              0               100 ms
            request (server)                  │████████            │ 40 ms
            └── send orders (producer)        │  ██                │ 10 ms
                └┄┄ process orders (consumer) │          ██████████│ 50 ms
            """,
            tree.RenderTimeline(width: 20));
        Assert.Equal(tree.RenderTimeline(width: 20), TraceTree.Build(collector.Spans.Reverse()).RenderTimeline(width: 20));
    }

    [Fact]
    public void The_timeline_keeps_each_branch_together_when_deep_spans_of_different_branches_interleave_in_time()
    {
        // Branch a starts first but its child starts after branch b's child: start order would be a, b, b1, a1.
        using var collector = new SpanCollector(SourceName);
        using (Activity request = Timed(collector.StartRootSpan("request", ActivityKind.Server), 0))
        {
            using (Timed(Source.StartActivity("a")!, 0, 40))
            {
                Timed(Source.StartActivity("a1")!, 30, 40).Stop();
            }

            using (Timed(Source.StartActivity("b")!, 10, 30))
            {
                Timed(Source.StartActivity("b1")!, 20, 30).Stop();
            }

            request.SetEndTime(T0.AddMilliseconds(40));
        }

        Assert.Equal(
            """
                                  0    40 ms
            request (server)      │████████│ 40 ms
            ├── a (internal)      │████████│ 40 ms
            │   └── a1 (internal) │      ██│ 10 ms
            └── b (internal)      │  ████  │ 20 ms
                └── b1 (internal) │    ██  │ 10 ms
            """,
            TraceTree.Build(collector.Spans).RenderTimeline(width: 8));
    }

    [Fact]
    public void Identical_subtrees_are_drawn_in_start_order()
    {
        using var collector = new SpanCollector(SourceName);
        foreach (int start in new[] { 20, 0, 10 })
        {
            using (Timed(collector.StartRootSpan("replay", ActivityKind.Consumer), start, start + 10))
            {
                Timed(Source.StartActivity("apply")!, start, start + 5).Stop();
            }
        }

        Assert.Equal(
            """
                                 0 30 ms
            replay (consumer)    │█  │  10 ms
            └── apply (internal) │█  │ 5.0 ms
            replay (consumer)    │ █ │  10 ms
            └── apply (internal) │ █ │ 5.0 ms
            replay (consumer)    │  █│  10 ms
            └── apply (internal) │  █│ 5.0 ms
            """,
            TraceTree.Build(collector.Spans).RenderTimeline(width: 3));
    }

    [Fact]
    public void The_timeline_orders_siblings_by_start_time_where_the_causal_tree_orders_them_by_text()
    {
        using var collector = new SpanCollector(SourceName);
        using (Activity request = Timed(collector.StartRootSpan("request", ActivityKind.Server), 0))
        {
            Timed(Source.StartActivity("b")!, 0, 10).Stop();
            Timed(Source.StartActivity("a")!, 10, 20).Stop();
            request.SetEndTime(T0.AddMilliseconds(20));
        }

        TraceTree tree = TraceTree.Build(collector.Spans);

        Assert.Equal(
            """
            request (server)
            ├── a (internal)
            └── b (internal)
            """,
            tree.RenderCausal());
        Assert.Equal(
            """
                             0 20 ms
            request (server) │████│ 20 ms
            ├── b (internal) │██  │ 10 ms
            └── a (internal) │  ██│ 10 ms
            """,
            tree.RenderTimeline(width: 4));
    }

    [Fact]
    public void The_timeline_draws_every_span_of_the_causal_tree_once_with_a_bar_within_the_width()
    {
        Fanout(["c", "a", "b"], out IReadOnlyList<Activity> spans);
        using var unsampled = new Activity("unsampled"); // no listener: not recorded
        unsampled.Start().Stop();
        Assert.False(unsampled.Recorded);
        TraceTree tree = TraceTree.Build(spans.Append(unsampled));

        const int Width = 37;
        string[] rows = tree.RenderTimeline(Width).Split('\n');
        int frame = rows[0].IndexOf('0', StringComparison.Ordinal); // the scale's 0 stands above each bar's opening │

        Assert.Equal(
            tree.RenderCausal().Split('\n').Select(Description).Order(StringComparer.Ordinal),
            rows.Skip(1).Select(row => Description(row[..frame])).Order(StringComparer.Ordinal));
        Assert.All(rows.Skip(1), row =>
        {
            Assert.Equal('│', row[frame]);
            Assert.Equal('│', row[frame + Width + 1]);
            Assert.Matches(row.Contains("[unsampled]", StringComparison.Ordinal) ? "^ *░+ *$" : "^ *█+ *$", row[(frame + 1)..(frame + Width + 1)]);
            Assert.Matches(@"^ +(\d+ µs|\d+\.\d ms)$", row[(frame + Width + 2)..]);
        });
        Assert.Equal(frame + Width + 2, rows[0].Length); // the scale's end stands above the closing │

        static string Description(string line) => line.TrimStart(' ', '│', '├', '└', '─', '┄').TrimEnd();
    }

    [Fact]
    public void Durations_below_a_millisecond_read_in_microseconds()
    {
        using var collector = new SpanCollector(SourceName);
        using (Timed(collector.StartRootSpan("request", ActivityKind.Server), 0, 10))
        {
            Timed(Source.StartActivity("step")!, 0, 0.25).Stop();
        }

        Assert.Equal(
            """
                                0 10 ms
            request (server)    │████│  10 ms
            └── step (internal) │█   │ 250 µs
            """,
            TraceTree.Build(collector.Spans).RenderTimeline(4));
    }

    [Fact]
    public void Notes_follow_the_durations_of_the_spans_they_are_given_for()
    {
        using var collector = new SpanCollector(SourceName);
        using (Timed(collector.StartRootSpan("request", ActivityKind.Server), 0, 10))
        {
            Timed(Source.StartActivity("step")!, 0, 5).Stop();
        }

        Assert.Equal(
            """
                                0 10 ms
            request (server)    │████│  10 ms  ← the request
            └── step (internal) │██  │ 5.0 ms
            """,
            TraceTree.Build(collector.Spans).RenderTimeline(4, span => span.DisplayName == "request" ? "← the request" : null));
    }

    [Fact]
    public void An_empty_tree_renders_nothing()
    {
        TraceTree tree = TraceTree.Build([]);

        Assert.Equal(string.Empty, tree.RenderCausal());
        Assert.Equal(string.Empty, tree.RenderTimeline());
        Assert.Equal(string.Empty, tree.RenderTimeline(10, _ => "note"));
    }

    // Sets the span's start, and its end when given, in milliseconds after T0.
    private static Activity Timed(Activity span, double start, double? end = null)
    {
        span.SetStartTime(T0.AddMilliseconds(start));
        if (end is { } at)
        {
            span.SetEndTime(T0.AddMilliseconds(at));
        }

        return span;
    }

    // request (server) → send orders (producer); both stopped, so nothing is current afterwards.
    private static ActivityContext Request(SpanCollector collector)
    {
        using Activity request = collector.StartRootSpan("request", ActivityKind.Server);
        using Activity? send = Tracer.StartProducer(Send);
        return send!.Context;
    }

    private static string Fanout(string[] order, out IReadOnlyList<Activity> spans)
    {
        using var collector = new SpanCollector(SourceName);
        collector.StartRootSpan("other").Stop();
        using (Activity request = collector.StartRootSpan("request", ActivityKind.Server))
        {
            foreach (string name in order)
            {
                using Activity? child = Source.StartActivity(name);
                if (name == "b")
                {
                    Source.StartActivity("b1")?.Stop();
                    using Activity? sibling = Source.StartActivity("b", ActivityKind.Internal, request.Context);
                    var link = new ActivityLink(sibling!.Context, new ActivityTagsCollection { [MessagingAttributes.OpenTracingRefType] = MessagingAttributes.FollowsFrom });
                    Source.StartActivity("b", ActivityKind.Consumer, sibling.Context, links: [link])?.Stop();
                }
            }
        }

        spans = collector.Spans;
        return TraceTree.Build(spans).RenderCausal();
    }
}
