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
    public void The_timeline_has_one_row_per_span_in_start_order_with_bars_scaled_to_the_width()
    {
        using var collector = new SpanCollector(SourceName);
        var t0 = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        ActivityContext producer;
        using (Activity request = collector.StartRootSpan("request", ActivityKind.Server))
        {
            request.SetStartTime(t0);
            using (Activity send = Tracer.StartProducer(Send)!)
            {
                send.SetStartTime(t0.AddMilliseconds(10));
                send.SetEndTime(t0.AddMilliseconds(20));
                producer = send.Context;
            }

            request.SetEndTime(t0.AddMilliseconds(40));
        }

        using (ProcessScope scope = Tracer.StartProcess(new PropagationContext(producer, default), Process, MessageRelationship.FollowsFrom))
        {
            scope.Activity!.SetStartTime(t0.AddMilliseconds(50));
            scope.Activity.SetEndTime(t0.AddMilliseconds(100));
        }

        TraceTree tree = TraceTree.Build(collector.Spans);

        Assert.Equal(
            """
            request            │████████            │
              send orders      │  ██                │
                process orders │          ██████████│
            """,
            tree.RenderTimeline(width: 20));
        Assert.Equal(tree.RenderTimeline(width: 20), TraceTree.Build(collector.Spans.Reverse()).RenderTimeline(width: 20));
    }

    [Fact]
    public void Timeline_bars_stay_within_the_width_and_rows_follow_start_times()
    {
        using var collector = new SpanCollector(SourceName);
        using (collector.StartRootSpan("request", ActivityKind.Server))
        {
            for (int i = 0; i < 5; i++)
            {
                Source.StartActivity("step " + i)?.Stop();
            }
        }

        const int Width = 37;
        string[] rows = TraceTree.Build(collector.Spans).RenderTimeline(Width).Split('\n');

        Assert.Equal(new[] { "request", "step 0", "step 1", "step 2", "step 3", "step 4" }, rows.Select(row => row[..row.IndexOf('│', StringComparison.Ordinal)].Trim()));
        Assert.All(rows, row =>
        {
            string bar = row[(row.IndexOf('│', StringComparison.Ordinal) + 1)..];
            Assert.Equal(Width + 1, bar.Length);
            Assert.EndsWith("│", bar, StringComparison.Ordinal);
            Assert.Contains('█', bar);
        });
        Assert.Equal(new string('█', Width), rows[0][(rows[0].IndexOf('│', StringComparison.Ordinal) + 1)..^1]);
    }

    [Fact]
    public void An_empty_tree_renders_nothing()
    {
        TraceTree tree = TraceTree.Build([]);

        Assert.Equal(string.Empty, tree.RenderCausal());
        Assert.Equal(string.Empty, tree.RenderTimeline());
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
