using System;
using MassTransit;

namespace Messaging.Tracing.MassTransit;

/// <summary>Settings of the MassTransit integration; what is unset comes from <see cref="MessagingTracingOptions"/>.</summary>
public sealed class MassTransitTracingOptions
{
    /// <summary>
    /// Gets or sets how a consumed message's process span relates to its producer; the tracer's
    /// <see cref="MessagingTracingOptions.DefaultRelationship"/> (FollowsFrom) when null.
    /// </summary>
    public MessageRelationship? Relationship { get; set; }

    /// <summary>
    /// Gets or sets the relationship of requests and responses (messages with a <c>RequestId</c>):
    /// <see cref="MessageRelationship.ChildOf"/> by default, because the requester waits for them.
    /// </summary>
    public MessageRelationship RequestResponseRelationship { get; set; } = MessageRelationship.ChildOf;

    /// <summary>
    /// Gets or sets a per-message choice, consulted first: return a relationship for the message (by endpoint,
    /// message type, header, …) or null to fall back to the rules above.
    /// </summary>
    public Func<ConsumeContext, MessageRelationship?>? RelationshipSelector { get; set; }

    /// <summary>Gets or sets whether incoming context is trusted; the tracer's setting when null.</summary>
    public bool? TrustIncomingContext { get; set; }

    internal void Validate()
    {
        if (Relationship is { } relationship && !Enum.IsDefined(relationship))
        {
            throw new ArgumentOutOfRangeException(nameof(Relationship), relationship, "Not a defined MessageRelationship.");
        }

        if (!Enum.IsDefined(RequestResponseRelationship))
        {
            throw new ArgumentOutOfRangeException(nameof(RequestResponseRelationship), RequestResponseRelationship, "Not a defined MessageRelationship.");
        }
    }
}
