using System;
using System.Diagnostics;
using Messaging.Tracing.Spans;
using OpenTelemetry.Context.Propagation;
using Messaging.Tracing.Tests.Diagnostics;
using Xunit;

namespace Messaging.Tracing.Tests.Spans;

/// <summary>
/// An <see cref="ActivityListener"/> (an OpenTelemetry processor's OnStart/OnEnd) that throws makes
/// <see cref="Activity.Start"/>/<see cref="Activity.Stop"/> throw: the message path must not see it (issue 7).
/// </summary>
[Collection(GlobalStateCollection.Name)]
public sealed class ThrowingListenerTests : IDisposable
{
    private readonly string _marker = "throwing-" + Guid.NewGuid().ToString("N");
    private readonly ActivityListener _listener;
    private readonly InstrumentationFaultListener _faults = new();
    private readonly MessagingTracer _tracer = new(new MessagingTracingOptions());

    public ThrowingListenerTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MessagingActivitySource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity => ThrowFor(activity, "start"),
            ActivityStopped = activity => ThrowFor(activity, "stop"),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public void A_listener_that_throws_on_start_gives_no_producer_span_and_leaves_the_callers_span_current()
    {
        using var caller = new Activity("caller").Start();

        Activity? span = _tracer.StartProducer(Operation("start", MessagingOperationType.Send));

        Assert.Null(span);
        Assert.Same(caller, Activity.Current);
        Assert.Equal(1, _faults.Count(_marker));
    }

    [Fact]
    public void A_listener_that_throws_on_start_still_runs_the_handler_in_the_producers_trace()
    {
        var producer = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        Activity? before = Activity.Current;

        using (ProcessScope scope = _tracer.StartProcess(new PropagationContext(producer, default), Operation("start", MessagingOperationType.Process)))
        {
            Assert.NotNull(scope.Activity);
            Assert.Same(scope.Activity, Activity.Current);
            Assert.Equal(producer.TraceId, scope.Activity.TraceId);
            Assert.Equal(producer.SpanId, scope.Activity.ParentSpanId);
        }

        Assert.Same(before, Activity.Current);
        Assert.Equal(1, _faults.Count(_marker));
    }

    [Fact]
    public void A_listener_that_throws_on_stop_neither_fails_the_scope_nor_leaves_the_span_current()
    {
        using var caller = new Activity("caller").Start();
        var producer = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        ProcessScope scope = _tracer.StartProcess(new PropagationContext(producer, default), Operation("stop", MessagingOperationType.Process));
        Assert.NotNull(scope.Activity);

        scope.Dispose();

        Assert.True(scope.Activity.IsStopped);
        Assert.Same(caller, Activity.Current);
        Assert.Equal(1, _faults.Count(_marker));
    }

    [Fact]
    public void StopReportingFaults_stops_a_producer_span_whose_listener_throws_and_moves_current_off_it()
    {
        using var caller = new Activity("caller").Start();
        Activity? span = _tracer.StartProducer(Operation("stop", MessagingOperationType.Send));
        Assert.NotNull(span);

        span.StopReportingFaults();

        Assert.True(span.IsStopped);
        Assert.Same(caller, Activity.Current);
        Assert.Equal(1, _faults.Count(_marker));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _faults.Dispose();
    }

    /// <summary>An operation whose span name tells the listener when to throw, so no other test's spans are affected.</summary>
    private MessagingOperation Operation(string when, MessagingOperationType type) => new("test", type, "op", $"{_marker}-{when}");

    private void ThrowFor(Activity activity, string when)
    {
        if (activity.DisplayName.EndsWith($"{_marker}-{when}", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{_marker} listener fault on {when}");
        }
    }
}
