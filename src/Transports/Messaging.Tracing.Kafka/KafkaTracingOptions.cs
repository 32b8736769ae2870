using System;
using Messaging.Tracing.Diagnostics;

namespace Messaging.Tracing.Kafka;

/// <summary>Settings of one traced Kafka producer or consumer; what is unset comes from <see cref="MessagingTracingOptions"/>.</summary>
public sealed class KafkaTracingOptions
{
    /// <summary>
    /// Gets or sets how this consumer's process spans relate to their producers; the tracer's
    /// <see cref="MessagingTracingOptions.DefaultRelationship"/> (FollowsFrom) when null. A single call can still
    /// override it per message.
    /// </summary>
    public MessageRelationship? Relationship { get; set; }

    /// <summary>Gets or sets whether this consumer trusts incoming context; the tracer's setting when null.</summary>
    public bool? TrustIncomingContext { get; set; }

    /// <summary>
    /// Gets or sets which topics are traced; all when null. For a topic it rejects, messages pass through
    /// untouched: no span, no headers written, no context restored, no metrics.
    /// </summary>
    public Func<string, bool>? TopicFilter { get; set; }

    /// <summary>
    /// Gets or sets the <c>messaging.consumer.group.name</c> of process spans and their metrics. The traced consumer builder
    /// reads it from <c>group.id</c>; set it when wrapping an existing consumer.
    /// </summary>
    public string? ConsumerGroupName { get; set; }

    /// <summary>
    /// Gets or sets the <c>messaging.client.id</c>. The traced builders read it from <c>client.id</c>; otherwise the
    /// client's name is used.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>Whether <paramref name="topic"/> is traced. A filter that throws is reported and tracing goes on.</summary>
    internal bool Traces(string topic)
    {
        if (TopicFilter is null)
        {
            return true;
        }

        try
        {
            return TopicFilter(topic);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.CallbackFailed(nameof(TopicFilter), ex);
            return true;
        }
    }

    internal KafkaTracingOptions Clone() => (KafkaTracingOptions)MemberwiseClone();
}
