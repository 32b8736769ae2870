using System.Diagnostics;
using RabbitMQ.Client;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>
/// What RabbitMQ.Client's own instrumentation (its activity sources <c>RabbitMQ.Client.Publisher</c> and
/// <c>RabbitMQ.Client.Subscriber</c>) is doing, found through public API only.
/// </summary>
internal static class RabbitMqClientInstrumentation
{
    // Listeners choose sources by name, so a source of the same name is listened exactly when RabbitMQ.Client's is.
    // It never starts a span.
    private static readonly ActivitySource PublisherProbe = new(RabbitMQActivitySource.PublisherSourceName);

    /// <summary>Gets a value indicating whether <c>BasicPublishAsync</c> will start its own <c>publish</c> span and inject it.</summary>
    public static bool PublisherIsListened => PublisherProbe.HasListeners();

    /// <summary>
    /// Whether <paramref name="activity"/> is RabbitMQ.Client's <c>deliver</c> span (its consumer dispatcher runs handlers
    /// inside it): a link-only root of a new trace, never a parent for the process span.
    /// </summary>
    public static bool IsDeliverSpan(Activity activity)
        => activity.Kind == ActivityKind.Consumer && activity.Source.Name == RabbitMQActivitySource.SubscriberSourceName;
}
