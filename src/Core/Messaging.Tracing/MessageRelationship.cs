namespace Messaging.Tracing;

/// <summary>How a consumer's span relates to the context of the message's producer.</summary>
public enum MessageRelationship
{
    /// <summary>
    /// The consumer span continues the producer's trace, parented on the producer — or on the span already
    /// active around the consumer, if any — and links to the producer with <c>opentracing.ref_type = follows_from</c>:
    /// caused by the producer, who does not wait for it. For queues, live projections, process managers.
    /// </summary>
    FollowsFrom = 0,

    /// <summary>The consumer span is a child of the producer's span; no link. For request/response and in-process causality.</summary>
    ChildOf = 1,

    /// <summary>
    /// The consumer span starts a new trace (any span active around it is set aside first) and links to the
    /// producer with <c>follows_from</c>. For replays and catch-up of stored events, untrusted senders,
    /// delayed or redelivered work, and batches.
    /// </summary>
    NewTrace = 2,
}
