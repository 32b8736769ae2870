using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace Messaging.Tracing.Reliability.Tests.Restarts;

/// <summary>Checks that process spans still belong to the producer span of their own message after a restart or a crash.</summary>
public static class ProducerLinks
{
    /// <summary>The attribute a follows-from link carries.</summary>
    private const string RefType = "opentracing.ref_type";

    /// <summary>The tag the restart tests' tracers put on each producer span (through EnrichProducerSpan): the application's message id.</summary>
    public const string MessageIdTag = "test.message.id";

    /// <summary>
    /// Whether <paramref name="process"/> has a <c>follows_from</c> link to one of <paramref name="producers"/>: a reclaimed or
    /// redelivered message processed in a new trace (<see cref="MessageRelationship.NewTrace"/>) still points at its producer.
    /// </summary>
    /// <param name="process">The process span.</param>
    /// <param name="producers">The candidate producer spans.</param>
    /// <returns>Whether it does.</returns>
    public static bool LinksToOneOf(Activity process, IReadOnlyCollection<Activity> producers)
    {
        foreach (Activity producer in producers)
        {
            if (process.Links.Any(l => l.Context.TraceId == producer.TraceId && l.Context.SpanId == producer.SpanId && IsFollowsFrom(l)))
            {
                return true;
            }
        }

        return false;
    }

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
                && process.Links.Any(l => l.Context.SpanId == producer.SpanId && IsFollowsFrom(l)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFollowsFrom(ActivityLink link) => link.Tags is { } tags && tags.Any(t => t.Key == RefType && (t.Value as string) == "follows_from");
}
