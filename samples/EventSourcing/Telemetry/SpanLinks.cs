using System.Collections.Generic;
using System.Diagnostics;
using Messaging.Tracing.Spans;

namespace EventSourcing.Telemetry;

/// <summary>Reading span links.</summary>
public static class SpanLinks
{
    /// <summary>Whether a link is a FollowsFrom reference (<c>opentracing.ref_type = follows_from</c>).</summary>
    /// <param name="link">The link.</param>
    /// <returns>True for a FollowsFrom link.</returns>
    public static bool IsFollowsFrom(ActivityLink link)
    {
        foreach (KeyValuePair<string, object?> tag in link.Tags ?? [])
        {
            if (tag.Key == MessagingAttributes.OpenTracingRefType && tag.Value as string == MessagingAttributes.FollowsFrom)
            {
                return true;
            }
        }

        return false;
    }
}
