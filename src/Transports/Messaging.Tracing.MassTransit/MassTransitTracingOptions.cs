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

    /// <summary>
    /// Gets or sets a per-message trust decision, consulted first: return <see langword="false"/> for messages whose
    /// context must not be continued (by receive endpoint, message type, header, …), <see langword="true"/> to trust
    /// them, or null to fall back to <see cref="TrustIncomingContext"/>. An untrusted message's process span is a new
    /// root (linked to the sender when <see cref="MessagingTracingOptions.LinkUntrustedContext"/> is set) and its
    /// baggage is dropped. A selector that throws is reported through self-diagnostics and the message is not trusted.
    /// </summary>
    /// <example>
    /// <code>
    /// cfg.UseMessagingTracing(context, o => o.TrustSelector = c =>
    ///     c.ReceiveContext.InputAddress.AbsolutePath.EndsWith("/partner-orders", StringComparison.Ordinal) ? false : null);
    /// </code>
    /// </example>
    public Func<ConsumeContext, bool?>? TrustSelector { get; set; }

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
