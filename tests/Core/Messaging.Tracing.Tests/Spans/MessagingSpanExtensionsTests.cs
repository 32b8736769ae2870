using System;
using System.Diagnostics;
using System.Threading;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using Xunit;

namespace Messaging.Tracing.Tests.Spans;

public class MessagingSpanExtensionsTests
{
    [Fact]
    public void StopKeepingCurrent_stops_a_span_started_elsewhere_without_touching_this_flows_current()
    {
        using var collector = new SpanCollector();
        Activity started;
        using (collector.StartRootSpan("request"))
        {
            started = collector.StartRootSpan("send");
            Activity.Current = null;
        }

        using Activity mine = collector.StartRootSpan("delivery thread work");
        Thread other = new(() => started.StopKeepingCurrent());
        other.Start();
        Assert.True(other.Join(TimeSpan.FromSeconds(10)));
        started.StopKeepingCurrent();

        Assert.True(started.IsStopped);
        Assert.Same(mine, Activity.Current);
    }

    [Fact]
    public void StopKeepingCurrent_of_the_current_span_lets_its_parent_become_current()
    {
        using var collector = new SpanCollector();
        using Activity parent = collector.StartRootSpan("parent");
        using var child = new Activity("child");
        child.Start();

        child.StopKeepingCurrent();

        Assert.Same(parent, Activity.Current);
    }

    [Fact]
    public void Recording_on_no_span_does_nothing_and_a_null_exception_is_rejected()
    {
        MessagingSpanExtensions.RecordMessagingException(null, new InvalidOperationException());

        using var activity = new Activity("a");
        Assert.Throws<ArgumentNullException>(() => activity.RecordMessagingException(null!));
    }
}
