using System.Diagnostics;
using RabbitMQ.Client;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>
/// What RabbitMQ.Client's own instrumentation (its activity sources <c>RabbitMQ.Client.Publisher</c> and
/// <c>RabbitMQ.Client.Subscriber</c>) is doing, found through public API only: listener state, source names and the
/// attributes RabbitMQ.Client puts on its spans. Its static, process-wide settings are never read or written here.
/// </summary>
internal static class RabbitMqClientInstrumentation
{
    // The attribute with which RabbitMQ.Client records the delivery tag on its deliver span (an unsigned 64-bit value).
    private const string ClientDeliveryTag = "messaging.rabbitmq.delivery_tag";

    // Listeners choose sources by name, so a source of the same name is listened exactly when RabbitMQ.Client's is.
    // It never starts a span.
    private static readonly ActivitySource PublisherProbe = new(RabbitMQActivitySource.PublisherSourceName);

    /// <summary>Gets a value indicating whether <c>BasicPublishAsync</c> will start its own <c>publish</c> span and inject it.</summary>
    public static bool PublisherIsListened => PublisherProbe.HasListeners();

    /// <summary>
    /// Whether <paramref name="activity"/> is RabbitMQ.Client's running <c>deliver</c> span of the delivery with
    /// <paramref name="deliveryTag"/>: its consumer dispatcher runs the consumer inside it. An unrecorded one carries no
    /// attributes to compare and is recognised by its source and kind alone.
    /// </summary>
    public static bool IsDeliverSpan(Activity activity, ulong deliveryTag)
        => activity is { Kind: ActivityKind.Consumer, IsStopped: false }
            && activity.Source.Name == RabbitMQActivitySource.SubscriberSourceName
            && (activity.GetTagItem(ClientDeliveryTag) is not ulong recorded || recorded == deliveryTag);
}
