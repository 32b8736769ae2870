using System;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing;
using Messaging.Tracing.RabbitMQ;
using OpenTelemetry.Context.Propagation;
using RabbitMQ.Client.Events;

// Extension methods live in the namespace of the types they extend, as OpenTelemetry's instrumentations do.
namespace RabbitMQ.Client;

/// <summary>Tracing for deliveries received by any RabbitMQ.Client consumer, and for message properties.</summary>
public static class MessagingTracingDeliveryExtensions
{
    /// <summary>
    /// Runs <paramref name="handler"/> for a delivery inside its <c>process {exchange}:{routing key}:{queue}</c> span
    /// (Consumer kind), with the producer's context and baggage current; usable in any <see cref="IAsyncBasicConsumer"/>
    /// or <see cref="AsyncEventingBasicConsumer.ReceivedAsync"/> handler. A handler exception is recorded on the span and
    /// rethrown; <see cref="System.Diagnostics.Activity.Current"/> and <c>Baggage.Current</c> are put back afterwards.
    /// Acknowledging stays the application's business.
    /// </summary>
    /// <remarks>
    /// The span has <c>messaging.rabbitmq.destination.routing_key</c>, <c>messaging.rabbitmq.message.delivery_tag</c>,
    /// <c>messaging.message.id</c>, <c>messaging.message.conversation_id</c> and <c>messaging.message.body.size</c>.
    /// When RabbitMQ.Client's own instrumentation is on and its <c>deliver</c> span of this delivery is current, that span
    /// becomes the process span, except where that would put a NewTrace consumer or an untrusted sender in the producer's
    /// trace (see <see cref="TracedAsyncEventingBasicConsumer"/>).
    /// </remarks>
    /// <param name="delivery">The delivery.</param>
    /// <param name="tracer">The application's tracer, whose options (baggage filters, enrichment) apply: the registered one
    /// (<c>services.AddMessagingTracing()</c>, injected into the consumer), or, without dependency injection,
    /// <see cref="MessagingTracer.Default"/> or your own.</param>
    /// <param name="queue">The queue it was consumed from (a delivery does not name it); the empty string when unknown.</param>
    /// <param name="handler">The application's handler; it receives the delivery and <see cref="AsyncEventArgs.CancellationToken"/>.</param>
    /// <param name="relationship">Overrides the relationship for this message; the options' or the tracer's when null.</param>
    /// <param name="options">The options; defaults when null.</param>
    /// <returns>A task that completes when the handler has.</returns>
    public static async Task ProcessTracedAsync(
        this BasicDeliverEventArgs delivery,
        MessagingTracer tracer,
        string queue,
        Func<BasicDeliverEventArgs, CancellationToken, Task> handler,
        MessageRelationship? relationship = null,
        RabbitMqTracingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(tracer);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handler);
        DeliveryScope scope = RabbitMqProcessing.Open(
            tracer,
            options,
            queue,
            delivery.Exchange,
            delivery.RoutingKey,
            delivery.DeliveryTag,
            delivery.BasicProperties,
            delivery.Body.Length,
            relationship,
            delivery);
        try
        {
            await handler(delivery, delivery.CancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Reads the producer's trace context and baggage from a message's headers, for applications that start their own
    /// spans (or use <c>BasicGetAsync</c>). Never throws; <c>default</c> when there is none or it is malformed.
    /// </summary>
    /// <param name="properties">The message properties, e.g. <see cref="BasicDeliverEventArgs.BasicProperties"/>.</param>
    /// <param name="tracer">The application's tracer (its inbound baggage filter applies).</param>
    /// <returns>The producer's context.</returns>
    public static PropagationContext ExtractTraceContext(this IReadOnlyBasicProperties properties, MessagingTracer tracer)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        return properties?.Headers is { } headers ? tracer.Extract(headers, RabbitMqHeadersCarrierAdapter.Instance) : default;
    }
}
