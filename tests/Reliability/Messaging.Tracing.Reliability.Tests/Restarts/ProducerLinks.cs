using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace Messaging.Tracing.Reliability.Tests.Restarts;

/// <summary>Checks that process spans still belong to the producer span of their own message after a restart or a crash.</summary>
public static class ProducerLinks
{
    /// <summary>The attribute a follows-from link carries.</summary>
    private const string RefType = "opentracing.ref_type";

    /// <summary>
    /// Whether <paramref name="process"/> follows from one of <paramref name="producers"/> (the producer spans of its
    /// message; several when a send was retried): a child of it in its trace, with a <c>follows_from</c> link to it.
    /// </summary>
    /// <param name="process">The process span.</param>
    /// <param name="producers">The candidate producer spans.</param>
    /// <returns>Whether it does.</returns>
    public static bool FollowsFromOneOf(Activity process, IReadOnlyCollection<Activity> producers)
    {
        foreach (Activity producer in producers)
        {
            if (process.TraceId == producer.TraceId
                && process.ParentSpanId == producer.SpanId
                && process.Links.Any(l => l.Context.SpanId == producer.SpanId && l.Tags is { } tags && tags.Any(t => t.Key == RefType && (t.Value as string) == "follows_from")))
            {
                return true;
            }
        }

        return false;
    }
}
