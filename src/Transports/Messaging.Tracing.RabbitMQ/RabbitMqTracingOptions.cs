using System;
using Messaging.Tracing.Diagnostics;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>
/// Settings of traced RabbitMQ publishing and consuming; what is unset comes from <see cref="MessagingTracingOptions"/>.
/// </summary>
/// <remarks>
/// A traced consumer (<see cref="TracedAsyncEventingBasicConsumer"/>) copies the options when it is created; the
/// per-call extension methods read them during the call.
/// </remarks>
public sealed class RabbitMqTracingOptions
{
    /// <summary>
    /// Gets or sets how process spans relate to their producers; the tracer's
    /// <see cref="MessagingTracingOptions.DefaultRelationship"/> (FollowsFrom) when null. A single call can still
    /// override it per message.
    /// </summary>
    public MessageRelationship? Relationship { get; set; }

    /// <summary>Gets or sets whether incoming context is trusted; the tracer's setting when null.</summary>
    public bool? TrustIncomingContext { get; set; }

    /// <summary>
    /// Gets or sets which exchanges are traced (the empty string is the default exchange); all when null. On publish,
    /// and on consume for the exchange a message was published to. A message it rejects passes through untouched: no
    /// span, no headers written, no context restored.
    /// </summary>
    public Func<string, bool>? ExchangeFilter { get; set; }

    /// <summary>
    /// Gets or sets which queues are traced when consuming; all when null. A message from a queue it rejects is handled
    /// without span and without restored context.
    /// </summary>
    public Func<string, bool>? QueueFilter { get; set; }

    /// <summary>Gets or sets the <c>messaging.client.id</c> recorded on spans; not recorded when null.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Gets or sets whether the metrics carry the routing key. <see langword="true"/> (the default): their destination is the
    /// spans' <c>messaging.destination.name</c>, <c>{exchange}:{routing key}</c> (and <c>:{queue}</c> when consuming), as
    /// the semantic conventions name it. <see langword="false"/>, for routing keys per entity (<c>order.123.created</c>): they
    /// carry <c>messaging.destination.template</c> <c>{exchange}:{routing_key}</c> (and <c>:{queue}</c>) instead, the exchange
    /// and queue filled in and the routing key left as the placeholder; spans then carry both.
    /// </summary>
    /// <remarks>
    /// Whatever the setting, a server-named queue (<c>amq.gen-…</c>) or a direct reply-to pseudo-queue
    /// (<c>amq.rabbitmq.reply-to…</c>), whether it is the routing key or the consumed queue, is one per connection or request:
    /// its part of the template is the placeholder (<c>{routing_key}</c>, <c>{queue}</c>), never the name.
    /// </remarks>
    public bool RoutingKeyInMetrics { get; set; } = true;

    internal RabbitMqTracingOptions Clone() => (RabbitMqTracingOptions)MemberwiseClone();

    /// <summary>Whether a publish to <paramref name="exchange"/> is traced. A filter that throws is reported and tracing goes on.</summary>
    internal bool TracesExchange(string exchange) => Passes(ExchangeFilter, exchange, nameof(ExchangeFilter));

    /// <summary>Whether a delivery from <paramref name="exchange"/> through <paramref name="queue"/> is traced.</summary>
    internal bool TracesDelivery(string exchange, string queue)
        => Passes(ExchangeFilter, exchange, nameof(ExchangeFilter)) && Passes(QueueFilter, queue, nameof(QueueFilter));

    private static bool Passes(Func<string, bool>? filter, string name, string filterName)
    {
        if (filter is null)
        {
            return true;
        }

        try
        {
            return filter(name);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.CallbackFailed(filterName, ex);
            return true;
        }
    }
}
