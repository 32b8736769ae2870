using System.Collections.Generic;
using System.Diagnostics;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;
using OpenTelemetry.Context.Propagation;
using Xunit;

namespace Messaging.Tracing.Tests.Spans;

/// <summary>With nothing listening, the producer's trace must still flow through the handler and onward.</summary>
[Collection(GlobalStateCollection.Name)]
public class PassThroughTests
{
    private static readonly MessagingOperation Process = new("kafka", MessagingOperationType.Process, "process", "orders");

    [Fact]
    public void Without_listeners_the_handler_still_sees_and_forwards_the_producers_trace()
    {
        Assert.False(HasListeners(), "no collector or tracer provider may be active while this test runs");
        var tracer = MessagingTracer.Default;
        var producer = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, "k=v");
        var onward = new Dictionary<string, string>();

        using (ProcessScope scope = tracer.StartProcess(new PropagationContext(producer, default), Process))
        {
            Assert.NotNull(Activity.Current);
            Assert.Equal(producer.TraceId, Activity.Current!.TraceId);
            Assert.Equal(producer.SpanId, Activity.Current.ParentSpanId);
            Assert.Equal(ActivityTraceFlags.Recorded, Activity.Current.ActivityTraceFlags);
            Activity? send = tracer.StartProducer(new MessagingOperation("kafka", MessagingOperationType.Send, "send", "next"));
            Assert.Null(send);
            tracer.Inject(send, onward, StringDictionaryCarrierAdapter.Instance);
        }

        Assert.Null(Activity.Current);
        ActivityContext forwarded = tracer.Extract(onward, StringDictionaryCarrierAdapter.Instance).ActivityContext;
        Assert.Equal(producer.TraceId, forwarded.TraceId);
        Assert.Equal(ActivityTraceFlags.Recorded, forwarded.TraceFlags);
        Assert.Equal("k=v", forwarded.TraceState);
    }

    [Theory]
    [InlineData(0x03)]
    [InlineData(0x02)]
    [InlineData(0x01)]
    public void Without_listeners_the_flags_received_are_forwarded(int flags)
    {
        Assert.False(HasListeners(), "no collector or tracer provider may be active while this test runs");
        var producer = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), (ActivityTraceFlags)flags, null, isRemote: true);
        var onward = new Dictionary<string, string>();

        using (MessagingTracer.Default.StartProcess(new PropagationContext(producer, default), Process))
        {
            MessagingTracer.Default.Inject(null, onward, StringDictionaryCarrierAdapter.Instance);
        }

        ActivityContext forwarded = MessagingTracer.Default.Extract(onward, StringDictionaryCarrierAdapter.Instance).ActivityContext;
        Assert.Equal(producer.TraceId, forwarded.TraceId);
        Assert.NotEqual(producer.SpanId, forwarded.SpanId);
        Assert.Equal((ActivityTraceFlags)flags, forwarded.TraceFlags);
    }

    [Fact]
    public void Without_listeners_a_new_trace_carries_nothing()
    {
        Assert.False(HasListeners(), "no collector or tracer provider may be active while this test runs");
        var producer = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

        using (ProcessScope scope = MessagingTracer.Default.StartProcess(new PropagationContext(producer, default), Process, MessageRelationship.NewTrace))
        {
            Assert.Null(scope.Activity);
            Assert.Null(Activity.Current);
        }
    }

    private static bool HasListeners()
    {
        using var probe = new ActivitySource(MessagingActivitySource.Name);
        return probe.HasListeners();
    }
}
