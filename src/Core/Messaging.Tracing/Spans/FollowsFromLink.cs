using System.Diagnostics;

namespace Messaging.Tracing.Spans;

/// <summary>
/// The link that says "caused by, not awaited by": <c>opentracing.ref_type = follows_from</c>, as OpenTelemetry's
/// OpenTracing compatibility rules express FollowsFrom (Jaeger shows it as a FOLLOWS_FROM reference).
/// </summary>
public static class FollowsFromLink
{
    // Shared by every link; links only read their tags.
    private static readonly ActivityTagsCollection Tags = new()
    {
        [MessagingAttributes.OpenTracingRefType] = MessagingAttributes.FollowsFrom,
    };

    /// <summary>A follows_from link to <paramref name="producer"/>.</summary>
    /// <param name="producer">The producer's context.</param>
    /// <returns>The link.</returns>
    public static ActivityLink To(ActivityContext producer) => new(producer, Tags);
}
