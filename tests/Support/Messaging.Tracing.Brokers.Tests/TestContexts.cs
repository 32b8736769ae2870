using System.Diagnostics;

namespace Messaging.Tracing.Brokers.Tests;

/// <summary>Trace contexts as a producer would send them.</summary>
internal static class TestContexts
{
    /// <summary>The context of a real, sampled W3C activity (started and stopped again).</summary>
    public static ActivityContext FromSampledActivity()
    {
        using var activity = new Activity("smoke-test send");
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        activity.Start();
        return activity.Context;
    }
}
