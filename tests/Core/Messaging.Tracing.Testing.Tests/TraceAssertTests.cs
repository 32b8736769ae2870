using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Spans;
using OpenTelemetry.Context.Propagation;
using Xunit;

namespace Messaging.Tracing.Testing.Tests;

public sealed class TraceAssertTests
{
    private const string SourceName = "Messaging.Tracing.Testing.Tests.TraceAssert";
    private static readonly ActivitySource Source = new(SourceName);
    private static readonly MessagingTracer Tracer = new(new MessagingTracingOptions());
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void Shape_ignores_line_endings_trailing_whitespace_and_surrounding_blank_lines()
    {
        using var collector = new SpanCollector(SourceName);
        using (collector.StartRootSpan("request", ActivityKind.Server))
        {
            Source.StartActivity("handle")?.Stop();
        }

        TraceAssert.Shape("\r\n  \r\nrequest (server)   \r\n└── handle (internal)\t\r\n\r\n", collector.Spans);
    }

    [Fact]
    public void Shape_mismatch_throws_with_expected_and_actual_side_by_side()
    {
        using var collector = new SpanCollector(SourceName);
        using (collector.StartRootSpan("request", ActivityKind.Server))
        {
            Source.StartActivity("handle")?.Stop();
        }

        TraceShapeException failure = Assert.Throws<TraceShapeException>(() => TraceAssert.Shape(
            """
            request (server)
            └┄┄ handle (internal)
            """,
            collector.Spans));

        Assert.Equal("request (server)\n└┄┄ handle (internal)", failure.Expected);
        Assert.Equal("request (server)\n└── handle (internal)", failure.Actual);
        Assert.Contains("  request (server)      │ request (server)\n", failure.Message, StringComparison.Ordinal);
        Assert.Contains("≠ └┄┄ handle (internal) │ └── handle (internal)\n", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shape_mismatch_on_a_missing_span_marks_the_extra_line()
    {
        using var collector = new SpanCollector(SourceName);
        collector.StartRootSpan("request", ActivityKind.Server).Stop();

        TraceShapeException failure = Assert.Throws<TraceShapeException>(() => TraceAssert.Shape("request (server)\n└── handle (internal)", collector.Spans));

        Assert.Contains("≠ └── handle (internal) │ \n", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShapeAsync_waits_for_spans_that_stop_later_on_another_thread()
    {
        using var collector = new SpanCollector(SourceName);
        ActivityContext producer;
        using (collector.StartRootSpan("request", ActivityKind.Server))
        using (Activity? send = Tracer.StartProducer(new MessagingOperation("kafka", MessagingOperationType.Send, "send", "orders")))
        {
            producer = send!.Context;
        }

        var deliver = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task consumer;
        using (ExecutionContext.SuppressFlow())
        {
            consumer = Task.Run(async () =>
            {
                await deliver.Task;
                Tracer.StartProcess(
                    new PropagationContext(producer, default),
                    new MessagingOperation("kafka", MessagingOperationType.Process, "process", "orders"),
                    MessageRelationship.FollowsFrom).Dispose();
            });
        }

        Task asserting = TraceAssert.ShapeAsync(
            collector,
            """
            request (server)
            └── send orders (producer)
                └┄┄ process orders (consumer)
            """,
            spanCount: 3,
            Patience);
        Assert.False(asserting.IsCompleted);

        deliver.SetResult();
        await consumer;
        await asserting;
    }

    [Fact]
    public async Task ShapeAsync_reports_what_arrived_when_spans_are_missing()
    {
        using var collector = new SpanCollector(SourceName);
        collector.StartRootSpan("request", ActivityKind.Server).Stop();

        TraceShapeException failure = await Assert.ThrowsAsync<TraceShapeException>(() => TraceAssert.ShapeAsync(
            collector,
            "request (server)\n└── send orders (producer)",
            spanCount: 2,
            TimeSpan.FromMilliseconds(50)));

        Assert.IsType<TimeoutException>(failure.InnerException);
        Assert.StartsWith("Only 1 of 2 span(s) arrived", failure.Message, StringComparison.Ordinal);
        Assert.Equal("request (server)", failure.Actual);
    }
}
