using System;
using System.Diagnostics;

namespace Messaging.Tracing;

/// <summary>Options shared by every transport: relationship, trust, baggage filters and enrichment.</summary>
public sealed class MessagingTracingOptions
{
    /// <summary>Gets or sets how a consumer span relates to its producer unless a consumer or message says otherwise.</summary>
    public MessageRelationship DefaultRelationship { get; set; } = MessageRelationship.FollowsFrom;

    /// <summary>Gets or sets how a batch span relates to the producers of its messages; <see cref="MessageRelationship.NewTrace"/> by default.</summary>
    public MessageRelationship BatchRelationship { get; set; } = MessageRelationship.NewTrace;

    /// <summary>
    /// Gets or sets a value indicating whether incoming context is trusted by default. When it is not, the
    /// incoming context never becomes a parent (the consumer starts a new trace), and incoming baggage is dropped.
    /// </summary>
    public bool TrustIncomingContext { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a new trace started for an untrusted message links to the sender's context.</summary>
    public bool LinkUntrustedContext { get; set; } = true;

    /// <summary>Gets or sets which baggage keys are accepted from incoming messages; all when <see langword="null"/>.</summary>
    public Func<string, bool>? InboundBaggageFilter { get; set; }

    /// <summary>Gets or sets which baggage keys are written to outgoing messages; all when <see langword="null"/>.</summary>
    public Func<string, bool>? OutboundBaggageFilter { get; set; }

    /// <summary>
    /// Gets or sets a callback that adds tags to a producer span; it receives the span and the transport's
    /// message object. A callback that throws is reported through self-diagnostics and the message still goes.
    /// </summary>
    public Action<Activity, object>? EnrichProducerSpan { get; set; }

    /// <summary>Gets or sets a callback that adds tags to a process span; it receives the span and the transport's message object.</summary>
    public Action<Activity, object>? EnrichProcessSpan { get; set; }

    /// <summary>Throws when a setting is out of range; called when options are registered or a tracer is built.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A relationship is not one of the defined values.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(DefaultRelationship))
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultRelationship), DefaultRelationship, "Not a defined MessageRelationship.");
        }

        if (!Enum.IsDefined(BatchRelationship))
        {
            throw new ArgumentOutOfRangeException(nameof(BatchRelationship), BatchRelationship, "Not a defined MessageRelationship.");
        }
    }
}
