using System;
using Messaging.Tracing.Diagnostics;

namespace Messaging.Tracing.Redis;

/// <summary>
/// Tracing settings of Redis stream appends and traced stream consumers; what is unset comes from
/// <see cref="MessagingTracingOptions"/>.
/// </summary>
/// <remarks>A <see cref="TracedStreamConsumer"/> copies the options when it is created; an append reads them during the call.</remarks>
public sealed class RedisTracingOptions
{
    /// <summary>
    /// Gets or sets how process spans of newly delivered entries relate to their producers; the tracer's
    /// <see cref="MessagingTracingOptions.DefaultRelationship"/> (FollowsFrom) when null.
    /// </summary>
    public MessageRelationship? Relationship { get; set; }

    /// <summary>
    /// Gets or sets how process spans of entries recovered from another consumer (<see cref="StreamMessage.IsClaimed"/>)
    /// relate to their producers. <see cref="MessageRelationship.NewTrace"/> by default: a reclaimed entry is delayed,
    /// redelivered work — possibly long after its producer's trace ended — so it starts a new trace with a
    /// <c>follows_from</c> link to the producer instead of growing the original trace.
    /// </summary>
    public MessageRelationship ReclaimedRelationship { get; set; } = MessageRelationship.NewTrace;

    /// <summary>
    /// Gets or sets a per-entry choice of relationship, consulted before <see cref="Relationship"/> and
    /// <see cref="ReclaimedRelationship"/>; returning null falls back to them. A relationship passed to
    /// <see cref="TracedStreamConsumer.ProcessAsync"/> wins over it. A selector that throws is reported through
    /// self-diagnostics and ignored.
    /// </summary>
    public Func<StreamMessage, MessageRelationship?>? RelationshipSelector { get; set; }

    /// <summary>Gets or sets whether incoming context is trusted; the tracer's setting when null.</summary>
    public bool? TrustIncomingContext { get; set; }

    /// <summary>
    /// Gets or sets which streams are traced; all when null. An append to a stream it rejects is a plain <c>XADD</c> of the
    /// caller's pairs (no span, no trace pairs, no metrics); an entry from such a stream is handled without span, restored context or metrics
    /// (and still acknowledged after success); a consumer asks once, when it is created. A filter that throws is reported
    /// and the stream is traced.
    /// </summary>
    public Func<string, bool>? StreamFilter { get; set; }

    /// <summary>
    /// Gets or sets the <c>messaging.client.id</c> recorded on spans. Not recorded on send spans when null; a traced
    /// consumer records its consumer name when null.
    /// </summary>
    public string? ClientId { get; set; }

    internal RedisTracingOptions Clone() => (RedisTracingOptions)MemberwiseClone();

    /// <summary>Throws when a relationship is not a defined value.</summary>
    internal void Validate()
    {
        if (Relationship is { } relationship && !Enum.IsDefined(relationship))
        {
            throw new ArgumentOutOfRangeException(nameof(Relationship), relationship, "Not a defined MessageRelationship.");
        }

        if (!Enum.IsDefined(ReclaimedRelationship))
        {
            throw new ArgumentOutOfRangeException(nameof(ReclaimedRelationship), ReclaimedRelationship, "Not a defined MessageRelationship.");
        }
    }

    /// <summary>Whether <paramref name="stream"/> is traced.</summary>
    internal bool TracesStream(string stream)
    {
        if (StreamFilter is not { } filter)
        {
            return true;
        }

        try
        {
            return filter(stream);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.CallbackFailed(nameof(StreamFilter), ex);
            return true;
        }
    }

    /// <summary>The selector's choice for <paramref name="message"/>, or null.</summary>
    internal MessageRelationship? Select(StreamMessage message)
    {
        if (RelationshipSelector is not { } selector)
        {
            return null;
        }

        try
        {
            return selector(message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.CallbackFailed(nameof(RelationshipSelector), ex);
            return null;
        }
    }
}
