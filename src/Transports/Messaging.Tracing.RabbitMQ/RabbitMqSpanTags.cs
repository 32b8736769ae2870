using System;
using System.Diagnostics;
using Messaging.Tracing.Spans;
using RabbitMQ.Client;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>Destination names and the RabbitMQ convention attributes of a recorded span.</summary>
internal static class RabbitMqSpanTags
{
    /// <summary>
    /// <c>{exchange}:{routing key}</c>, then <c>:{queue}</c> on the consumer; <c>amq.default</c> for the default exchange,
    /// empty parts left out (a fanout exchange's <c>orders</c>, <c>orders:billing</c>).
    /// </summary>
    public static string Destination(string exchange, string routingKey, string? queue)
    {
        string exchangePart = exchange.Length == 0 ? RabbitMqAttributes.DefaultExchangeName : exchange;
        return (routingKey.Length, string.IsNullOrEmpty(queue)) switch
        {
            (0, true) => exchangePart,
            (0, false) => string.Concat(exchangePart, ":", queue),
            (_, true) => string.Concat(exchangePart, ":", routingKey),
            _ => string.Concat(exchangePart, ":", routingKey, ":", queue),
        };
    }

    /// <summary>
    /// The <c>messaging.destination.template</c> the metrics carry instead of <see cref="Destination"/>, or
    /// <see langword="null"/> when the name is low-cardinality: the routing key is the placeholder <c>{routing_key}</c> when
    /// <paramref name="routingKeyInMetrics"/> is off or it names a server-named queue, the queue <c>{queue}</c> when it is one.
    /// </summary>
    public static string? Template(string exchange, string routingKey, string? queue, bool routingKeyInMetrics)
    {
        bool templateKey = routingKey.Length > 0 && (!routingKeyInMetrics || IsServerNamed(routingKey));
        bool templateQueue = queue is not null && IsServerNamed(queue);
        return templateKey || templateQueue
            ? Destination(exchange, templateKey ? "{routing_key}" : routingKey, templateQueue ? "{queue}" : queue)
            : null;
    }

    public static void SetMessage(Activity? activity, string routingKey, IReadOnlyBasicProperties? properties, int bodySize, string? clientId)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        if (routingKey.Length > 0)
        {
            activity.SetTag(RabbitMqAttributes.RoutingKey, routingKey);
        }

        if (properties is not null)
        {
            if (!string.IsNullOrEmpty(properties.MessageId))
            {
                activity.SetTag(MessagingAttributes.MessageId, properties.MessageId);
            }

            if (!string.IsNullOrEmpty(properties.CorrelationId))
            {
                activity.SetTag(MessagingAttributes.ConversationId, properties.CorrelationId);
            }
        }

        activity.SetTag(RabbitMqAttributes.BodySize, bodySize);
        if (clientId is not null)
        {
            activity.SetTag(MessagingAttributes.ClientId, clientId);
        }
    }

    public static void SetDeliveryTag(Activity? activity, ulong deliveryTag)
    {
        if (activity is { IsAllDataRequested: true } && deliveryTag is > 0 and <= long.MaxValue)
        {
            // An int attribute, as the conventions type it (exporters do not all carry unsigned 64-bit values).
            activity.SetTag(RabbitMqAttributes.DeliveryTag, (long)deliveryTag);
        }
    }

    /// <summary>A queue the broker named for one connection (<c>amq.gen-…</c>) or a direct reply-to pseudo-queue.</summary>
    private static bool IsServerNamed(string queue)
        => queue.StartsWith("amq.gen-", StringComparison.Ordinal) || queue.StartsWith("amq.rabbitmq.reply-to", StringComparison.Ordinal);
}
