using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>
/// An <see cref="AsyncEventingBasicConsumer"/> whose <see cref="AsyncEventingBasicConsumer.ReceivedAsync"/> handlers run
/// inside a <c>process {exchange}:{routing key}:{queue}</c> span (Consumer kind), related to the producer as the
/// relationship policy says, with <see cref="Activity.Current"/> and <c>Baggage.Current</c> restored for the handlers
/// and put back afterwards.
/// </summary>
/// <remarks>
/// <para>Use it where an <see cref="AsyncEventingBasicConsumer"/> would be used; the queue it consumes from is given
/// here because a delivery does not name it. A handler exception is recorded on the span (exception event,
/// <c>error.type</c>, status Error) and rethrown to RabbitMQ.Client, which reports it through
/// <c>IChannel.CallbackExceptionAsync</c>. Acknowledging is the application's business: this class never acks, nacks or
/// rejects.</para>
/// <para>When RabbitMQ.Client's own subscriber instrumentation is on (its <c>RabbitMQ.Client.Subscriber</c> source is
/// listened), its <c>deliver</c> span is current when the consumer runs, and it becomes the process span: renamed, given
/// this library's attributes, enrichment, baggage and <c>follows_from</c> link, so a delivery has one consumer span. Where
/// it sits is RabbitMQ.Client's choice: the producer's child with <c>RabbitMQActivitySource.TracingOptions.UsePublisherAsParent</c>
/// true (7.2's default), a new trace linked to the producer with false or on 7.1, whatever the relationship. Only a NewTrace
/// consumer or an untrusted sender never runs in the producer's trace: a <c>deliver</c> span that is not a new root is set
/// aside (and left where RabbitMQ.Client put it), and the handlers run in this library's own new-root process span. The full
/// rules are in the README ("RabbitMQ.Client"). A span that has already ended is never the process span's parent either:
/// RabbitMQ.Client starts a channel's consumer dispatcher when the channel is created, and the dispatcher keeps the
/// <see cref="Activity.Current"/> of that moment.</para>
/// </remarks>
public class TracedAsyncEventingBasicConsumer : AsyncEventingBasicConsumer
{
    private readonly MessagingTracer _tracer;
    private readonly RabbitMqTracingOptions _options;

    /// <summary>Initializes a new instance of the <see cref="TracedAsyncEventingBasicConsumer"/> class.</summary>
    /// <param name="channel">The channel the consumer is registered on.</param>
    /// <param name="tracer">The application's tracer, whose options (baggage filters, enrichment) apply: the registered one
    /// (<c>services.AddMessagingTracing()</c>, injected where the consumer is made), or, without dependency injection,
    /// <see cref="MessagingTracer.Default"/> or your own.</param>
    /// <param name="queue">The queue it consumes from, for the span name and the <see cref="RabbitMqTracingOptions.QueueFilter"/>.</param>
    /// <param name="options">The options, copied; defaults when null.</param>
    public TracedAsyncEventingBasicConsumer(IChannel channel, MessagingTracer tracer, string queue, RabbitMqTracingOptions? options = null)
        : base(channel)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        ArgumentNullException.ThrowIfNull(queue);
        Queue = queue;
        _tracer = tracer;
        _options = options?.Clone() ?? new RabbitMqTracingOptions();
    }

    /// <summary>Gets the queue the consumer consumes from.</summary>
    public string Queue { get; }

    /// <summary>Raises <see cref="AsyncEventingBasicConsumer.ReceivedAsync"/> inside the delivery's process span.</summary>
    /// <param name="consumerTag">The consumer tag.</param>
    /// <param name="deliveryTag">The delivery tag.</param>
    /// <param name="redelivered">The AMQP redelivered flag.</param>
    /// <param name="exchange">The exchange the message was published to.</param>
    /// <param name="routingKey">The routing key it was published with.</param>
    /// <param name="properties">The message properties.</param>
    /// <param name="body">The body; valid only until the returned task completes.</param>
    /// <param name="cancellationToken">The delivery's cancellation token.</param>
    /// <returns>A task that completes when the handlers have.</returns>
    public override async Task HandleBasicDeliverAsync(
        string consumerTag,
        ulong deliveryTag,
        bool redelivered,
        string exchange,
        string routingKey,
        IReadOnlyBasicProperties properties,
        ReadOnlyMemory<byte> body,
        CancellationToken cancellationToken = default)
    {
        // The enrichment callback receives the delivery; build it only for a callback that will read it.
        object? message = _tracer.Options.EnrichProcessSpan is null
            ? null
            : new BasicDeliverEventArgs(consumerTag, deliveryTag, redelivered, exchange, routingKey, properties, body, cancellationToken);
        DeliveryScope scope = RabbitMqProcessing.Open(_tracer, _options, Queue, exchange, routingKey, deliveryTag, properties, body.Length, relationship: null, message);
        try
        {
            await base.HandleBasicDeliverAsync(consumerTag, deliveryTag, redelivered, exchange, routingKey, properties, body, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            scope.RecordException(ex);
            throw;
        }
        finally
        {
            scope.Dispose();
        }
    }
}
