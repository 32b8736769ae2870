using System;
using System.Threading;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Xunit;

namespace Messaging.Tracing.Marten.Tests;

public class EventProcessTracerTests
{
    private readonly EventProcessTracer _processing = new(MessagingTracer.Default, nameof(EventProcessTracerTests));

    [Theory]
    [InlineData(ShardExecutionMode.Continuous, 0, true)]
    [InlineData(ShardExecutionMode.Continuous, 10, false)]
    [InlineData(ShardExecutionMode.Rebuild, 0, false)]
    [InlineData(ShardExecutionMode.CatchUp, 0, false)]
    public void An_event_is_live_only_in_continuous_mode_and_within_the_window(ShardExecutionMode mode, int ageInMinutes, bool live)
    {
        IEvent stored = StoredAgo(TimeSpan.FromMinutes(ageInMinutes));

        Assert.Equal(live, _processing.IsLive(mode, stored));
    }

    [Fact]
    public void An_infinite_window_makes_every_event_of_a_continuous_daemon_live_and_a_zero_window_none()
    {
        IEvent old = StoredAgo(TimeSpan.FromDays(400));
        _processing.LiveWindow = Timeout.InfiniteTimeSpan;
        Assert.True(_processing.IsLive(ShardExecutionMode.Continuous, old));
        Assert.False(_processing.IsLive(ShardExecutionMode.Rebuild, old));

        _processing.LiveWindow = TimeSpan.Zero;
        Assert.False(_processing.IsLive(ShardExecutionMode.Continuous, StoredAgo(TimeSpan.FromSeconds(1))));
    }

    private static Event<BandRegistered> StoredAgo(TimeSpan age)
        => new(new BandRegistered("Low")) { Timestamp = DateTimeOffset.UtcNow - age };
}
