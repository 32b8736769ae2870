using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Spans;
using OpenTelemetry.Context.Propagation;
using Xunit;

namespace Messaging.Tracing.Testing.Tests;

public sealed class SpanCollectorTests
{
    private const string SourceName = "Messaging.Tracing.Testing.Tests.SpanCollector";
    private static readonly ActivitySource Source = new(SourceName);
    private static readonly MessagingTracer Tracer = new(new MessagingTracingOptions());
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly ActivityTagsCollection FollowsFromTags = new()
    {
        [MessagingAttributes.OpenTracingRefType] = MessagingAttributes.FollowsFrom,
    };

    [Fact]
    public async Task Two_concurrent_collectors_each_see_only_their_own_spans()
    {
        var readyA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readyB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var doneA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var doneB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        Task<(IReadOnlyList<Activity> Spans, ActivityTraceId Trace)> a = Task.Run(() => RunStoryAsync("orders-a", readyA, readyB.Task, doneA, doneB.Task));
        Task<(IReadOnlyList<Activity> Spans, ActivityTraceId Trace)> b = Task.Run(() => RunStoryAsync("orders-b", readyB, readyA.Task, doneB, doneA.Task));
        (IReadOnlyList<Activity> Spans, ActivityTraceId Trace)[] results = await Task.WhenAll(a, b);

        Assert.NotEqual(results[0].Trace, results[1].Trace);
        Assert.Equal(new[] { "process orders-a", "request", "send orders-a" }, Names(results[0].Spans).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "process orders-b", "request", "send orders-b" }, Names(results[1].Spans).Order(StringComparer.Ordinal));
        Assert.All(results[0].Spans, span => Assert.Equal(results[0].Trace, span.TraceId));
        Assert.All(results[1].Spans, span => Assert.Equal(results[1].Trace, span.TraceId));
    }

    [Fact]
    public async Task A_root_span_started_outside_the_flow_is_collected_when_it_links_to_an_owned_trace()
    {
        using var collector = new SpanCollector(SourceName);
        ActivityContext request;
        using (Activity root = collector.StartRootSpan("request"))
        {
            request = root.Context;
        }

        await RunWithoutFlow(() =>
        {
            Assert.Null(Activity.Current);
            Source.StartActivity("unrelated root")?.Stop();
            using Activity? replay = Source.StartActivity("replay", ActivityKind.Consumer, parentContext: default, links: [new ActivityLink(request, FollowsFromTags)]);
            Assert.NotNull(replay);
            Assert.NotEqual(request.TraceId, replay.TraceId);
            Source.StartActivity("replay child")?.Stop();
        });

        Assert.Equal(new[] { "request", "replay child", "replay" }, Names(collector.Spans));
    }

    [Fact]
    public async Task A_span_started_outside_the_flow_in_an_owned_trace_is_collected()
    {
        using var collector = new SpanCollector(SourceName);
        ActivityContext producer;
        using (collector.StartRootSpan("request"))
        using (Activity? send = Tracer.StartProducer(new MessagingOperation("kafka", MessagingOperationType.Send, "send", "orders")))
        {
            producer = send!.Context;
        }

        // ChildOf: no link, so only the trace id ties the consumer to the test.
        await RunWithoutFlow(() =>
        {
            Assert.Null(Activity.Current);
            using ProcessScope scope = Tracer.StartProcess(
                new PropagationContext(producer, default),
                new MessagingOperation("kafka", MessagingOperationType.Process, "process", "orders"),
                MessageRelationship.ChildOf);
            Assert.Empty(scope.Activity!.Links);
        });

        Assert.Equal(new[] { "send orders", "request", "process orders" }, Names(collector.Spans));
    }

    [Fact]
    public void A_child_of_an_unsampled_parent_is_not_recorded_and_not_collected()
    {
        using var collector = new SpanCollector(SourceName);

        using (Activity? child = Source.StartActivity("unsampled child", ActivityKind.Consumer, RemoteContext(sampled: false)))
        {
            Assert.NotNull(child);
            Assert.False(child.Recorded);
            Assert.False(child.IsAllDataRequested);
        }

        using (Activity? child = Source.StartActivity("sampled child", ActivityKind.Consumer, RemoteContext(sampled: true)))
        {
            Assert.True(child!.Recorded);
        }

        Assert.Equal(new[] { "sampled child" }, Names(collector.Spans));
    }

    [Fact]
    public void IncludeUnrecorded_collects_the_child_of_an_unsampled_parent()
    {
        using var collector = new SpanCollector(new SpanCollectorOptions { Sources = { SourceName }, IncludeUnrecorded = true });

        Source.StartActivity("unsampled child", ActivityKind.Consumer, RemoteContext(sampled: false))?.Stop();

        Activity span = Assert.Single(collector.Spans);
        Assert.False(span.Recorded);
        Assert.Equal("unsampled child (consumer) [unsampled] [parent not collected]", TraceTree.Build(collector.Spans).RenderCausal());
    }

    [Fact]
    public async Task A_collector_that_captures_everything_does_not_change_another_tests_sampling()
    {
        // Created in another flow, as another test's collector would be.
        using SpanCollector greedy = await Task.Run(() => new SpanCollector(new SpanCollectorOptions
        {
            Sources = { SourceName },
            CaptureAll = true,
            IncludeUnrecorded = true,
        }));
        using var collector = new SpanCollector(SourceName);

        Activity? child = Source.StartActivity("unsampled child", ActivityKind.Consumer, RemoteContext(sampled: false));
        child?.Stop();

        Assert.NotNull(child);
        Assert.False(child.Recorded);
        Assert.Contains(child, greedy.Spans);
        Assert.Empty(collector.Spans);
    }

    [Fact]
    public async Task WaitForSpansAsync_completes_once_the_count_has_stopped()
    {
        using var collector = new SpanCollector(SourceName);
        Task<IReadOnlyList<Activity>> waiting = collector.WaitForSpansAsync(2, Patience);

        Source.StartActivity("first")?.Stop();
        Assert.False(waiting.IsCompleted);
        await Task.Run(() => Source.StartActivity("second")?.Stop());

        IReadOnlyList<Activity> spans = await waiting;
        Assert.Equal(new[] { "first", "second" }, Names(spans));
    }

    [Fact]
    public async Task WaitForSpansAsync_times_out_with_the_collected_tree_in_the_message()
    {
        using var collector = new SpanCollector(SourceName);
        using (collector.StartRootSpan("request", ActivityKind.Server))
        {
            Source.StartActivity("handle")?.Stop();
        }

        TimeoutException timeout = await Assert.ThrowsAsync<TimeoutException>(() => collector.WaitForSpansAsync(3, TimeSpan.FromMilliseconds(50)));

        Assert.Contains("3 span(s); 2 span(s) collected", timeout.Message, StringComparison.Ordinal);
        Assert.Contains("request (server)\n└── handle (internal)", timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForAsync_completes_when_the_condition_holds()
    {
        using var collector = new SpanCollector(SourceName);
        Task<IReadOnlyList<Activity>> waiting = collector.WaitForAsync(spans => spans.Any(s => s.DisplayName == "done"), Patience);

        Source.StartActivity("working")?.Stop();
        Assert.False(waiting.IsCompleted);
        await RunWithoutFlow(() => Source.StartActivity("done", ActivityKind.Internal, parentContext: default, links: [new ActivityLink(collector.Spans[0].Context)])?.Stop());

        Assert.Equal(new[] { "working", "done" }, Names(await waiting));
        Assert.Same(collector.Spans[1], (await collector.WaitForAsync(spans => spans.Count == 2, TimeSpan.Zero))[1]);
    }

    [Fact]
    public void StartRootSpan_starts_a_recorded_root_from_the_test_source_even_under_another_span()
    {
        using var collector = new SpanCollector(SourceName);
        using Activity? ambient = Source.StartActivity("ambient");

        Activity root = collector.StartRootSpan("request", ActivityKind.Server);
        root.Stop();

        Assert.Equal(SpanCollector.TestSourceName, root.Source.Name);
        Assert.Equal(ActivityKind.Server, root.Kind);
        Assert.True(root.Recorded);
        Assert.Equal(default, root.ParentSpanId);
        Assert.NotEqual(ambient!.TraceId, root.TraceId);
        Assert.Same(root, Assert.Single(collector.Spans));
    }

    [Fact]
    public void A_disposed_collector_stops_collecting()
    {
        var collector = new SpanCollector(SourceName);
        Source.StartActivity("before")?.Stop();
        collector.Dispose();
        Source.StartActivity("after")?.Stop();

        Assert.Equal(new[] { "before" }, Names(collector.Spans));
        Assert.Throws<ObjectDisposedException>(() => collector.StartRootSpan("request"));
    }

    private static async Task<(IReadOnlyList<Activity> Spans, ActivityTraceId Trace)> RunStoryAsync(
        string destination, TaskCompletionSource ready, Task otherReady, TaskCompletionSource done, Task otherDone)
    {
        using var collector = new SpanCollector();
        ready.SetResult();
        await otherReady;

        ActivityTraceId trace;
        ActivityContext producer;
        using (Activity request = collector.StartRootSpan("request"))
        using (Activity? send = Tracer.StartProducer(new MessagingOperation("kafka", MessagingOperationType.Send, "send", destination)))
        {
            trace = request.TraceId;
            producer = send!.Context;
        }

        // The consumer runs on a thread that does not carry the test's flow, like a broker's consumer loop.
        await RunWithoutFlow(() =>
        {
            using ProcessScope scope = Tracer.StartProcess(
                new PropagationContext(producer, default),
                new MessagingOperation("kafka", MessagingOperationType.Process, "process", destination),
                MessageRelationship.FollowsFrom);
        });

        done.SetResult();
        await otherDone;
        return (collector.Spans, trace);
    }

    private static Task RunWithoutFlow(Action action)
    {
        using (ExecutionContext.SuppressFlow())
        {
            return Task.Run(action);
        }
    }

    private static ActivityContext RemoteContext(bool sampled) => new(
        ActivityTraceId.CreateRandom(),
        ActivitySpanId.CreateRandom(),
        sampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None,
        isRemote: true);

    private static string[] Names(IEnumerable<Activity> spans) => spans.Select(span => span.DisplayName).ToArray();
}
