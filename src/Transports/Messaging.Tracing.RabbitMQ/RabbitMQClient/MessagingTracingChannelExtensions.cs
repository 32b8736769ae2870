using System;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing;
using Messaging.Tracing.RabbitMQ;
using RabbitMQ.Client.Events;

// Extension methods live in the namespace of the types they extend, as OpenTelemetry's instrumentations do.
namespace RabbitMQ.Client;

/// <summary>Traced publishing and consuming on a RabbitMQ.Client <see cref="IChannel"/>.</summary>
/// <remarks>
/// Every method takes the application's <see cref="MessagingTracer"/> right after the channel — the one
/// <c>services.AddMessagingTracing()</c> registers, injected next to the channel, or, without dependency injection,
/// <see cref="MessagingTracer.Default"/> or your own — and none falls back to a default, so the options the application
/// configured (baggage filters, trust, enrichment) always apply.
/// </remarks>
public static class MessagingTracingChannelExtensions
{
    /// <summary>
    /// Publishes a message with the trace context and baggage in its headers, inside one producer span that ends when
    /// <see cref="IChannel.BasicPublishAsync{TProperties}(string, string, bool, TProperties, ReadOnlyMemory{byte}, CancellationToken)"/>
    /// completes — after the broker's confirm when publisher confirmations are enabled on the channel.
    /// </summary>
    /// <remarks>
    /// <para><b>The producer span.</b> Normally it is this library's <c>publish {exchange}:{routing key}</c> span (Producer
    /// kind; <c>amq.default</c> names the default exchange) with <c>messaging.rabbitmq.destination.routing_key</c>,
    /// <c>messaging.message.id</c>, <c>messaging.message.conversation_id</c>, <c>messaging.message.body.size</c> and
    /// <c>messaging.client.id</c> (from the options), and its context goes on the wire. A failed publish — a nack, a returned
    /// mandatory message, a closed channel, a cancellation — is recorded (status Error, <c>error.type</c>) and rethrown unchanged;
    /// a returned message's <c>error.type</c> is <see cref="RabbitMqAttributes.ReturnedErrorType"/> on every supported
    /// RabbitMQ.Client version.</para>
    /// <para><b>With RabbitMQ.Client's own instrumentation.</b> When its activity source <c>RabbitMQ.Client.Publisher</c>
    /// has listeners, <c>BasicPublishAsync</c> starts its own <c>publish</c> span (a child of <see cref="System.Diagnostics.Activity.Current"/>)
    /// and writes that span's context over <c>traceparent</c>. This method then bridges instead of competing: it starts no
    /// span of its own, so RabbitMQ.Client's span is the one producer span and its context is the one on the wire. It still
    /// writes the caller's context (the fallback, should RabbitMQ.Client's sampler drop its span) and the baggage.
    /// RabbitMQ.Client's <c>ContextInjector</c> and <c>ContextExtractor</c> are host-wide settings of the application and
    /// are never changed here. Either way there is exactly one producer span per message and the wire carries its context.
    /// In this mode the span is RabbitMQ.Client's (named <c>publish {routing key}</c>, with its attributes):
    /// <see cref="MessagingTracingOptions.EnrichProducerSpan"/> does not run, and since RabbitMQ.Client 7.1 ends that span
    /// before it awaits the publisher confirm, a nack or a returned message is rethrown but not recorded on it.</para>
    /// <para><b>The caller's objects are never modified.</b> A copy of <paramref name="properties"/> with a copy of its header
    /// table is sent; <c>traceparent</c>, <c>tracestate</c> and <c>baggage</c> in it are replaced (never duplicated, even when
    /// one properties object is published again), the other headers go as they are.</para>
    /// <para>An exchange rejected by <see cref="RabbitMqTracingOptions.ExchangeFilter"/> is published exactly as a plain
    /// <c>BasicPublishAsync</c> would, without span or headers.</para>
    /// </remarks>
    /// <param name="channel">The channel.</param>
    /// <param name="tracer">The application's tracer, whose options (baggage filters, enrichment) apply: the registered one
    /// (<c>services.AddMessagingTracing()</c>, injected where the channel is used), or, without dependency injection,
    /// <see cref="MessagingTracer.Default"/> or your own.</param>
    /// <param name="exchange">The exchange; the empty string for the default exchange.</param>
    /// <param name="routingKey">The routing key.</param>
    /// <param name="mandatory">The AMQP mandatory flag.</param>
    /// <param name="properties">The message properties (<see cref="BasicProperties"/>, or a delivery's properties to forward); empty when null.</param>
    /// <param name="body">The body, sent as it is.</param>
    /// <param name="options">The options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>A task that completes when RabbitMQ.Client's publish has.</returns>
    public static ValueTask BasicPublishTracedAsync(
        this IChannel channel,
        MessagingTracer tracer,
        string exchange,
        string routingKey,
        bool mandatory,
        IReadOnlyBasicProperties? properties,
        ReadOnlyMemory<byte> body,
        RabbitMqTracingOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(tracer);
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(routingKey);
        return options is not null && !options.TracesExchange(exchange)
            ? RabbitMqPublishing.PassThroughAsync(channel, exchange, routingKey, mandatory, properties, body, cancellationToken)
            : RabbitMqPublishing.PublishAsync(channel, exchange, routingKey, mandatory, properties, body, tracer, options, cancellationToken);
    }

    /// <summary>
    /// Publishes a message without properties (mandatory off) with the trace context and baggage in its headers, as
    /// <see cref="BasicPublishTracedAsync(IChannel, MessagingTracer, string, string, bool, IReadOnlyBasicProperties?, ReadOnlyMemory{byte}, RabbitMqTracingOptions?, CancellationToken)"/> does.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="tracer">The application's tracer, whose options (baggage filters, enrichment) apply: the registered one
    /// (<c>services.AddMessagingTracing()</c>, injected where the channel is used), or, without dependency injection,
    /// <see cref="MessagingTracer.Default"/> or your own.</param>
    /// <param name="exchange">The exchange; the empty string for the default exchange.</param>
    /// <param name="routingKey">The routing key.</param>
    /// <param name="body">The body, sent as it is.</param>
    /// <param name="options">The options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>A task that completes when RabbitMQ.Client's publish has.</returns>
    public static ValueTask BasicPublishTracedAsync(
        this IChannel channel,
        MessagingTracer tracer,
        string exchange,
        string routingKey,
        ReadOnlyMemory<byte> body,
        RabbitMqTracingOptions? options = null,
        CancellationToken cancellationToken = default)
        => channel.BasicPublishTracedAsync(tracer, exchange, routingKey, mandatory: false, properties: null, body, options, cancellationToken);

    /// <summary>
    /// Starts a consumer on <paramref name="queue"/> whose <paramref name="handler"/> runs inside each delivery's process
    /// span (see <see cref="TracedAsyncEventingBasicConsumer"/>). The handler acknowledges as the application wants;
    /// nothing is acked or nacked for it.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="tracer">The application's tracer, whose options (baggage filters, enrichment) apply: the registered one
    /// (<c>services.AddMessagingTracing()</c>, injected where the channel is used), or, without dependency injection,
    /// <see cref="MessagingTracer.Default"/> or your own.</param>
    /// <param name="queue">The queue.</param>
    /// <param name="autoAck">The AMQP auto-ack mode.</param>
    /// <param name="handler">The application's handler; it receives the delivery and the delivery's cancellation token.
    /// Its exceptions are recorded on the span and rethrown to RabbitMQ.Client (<c>IChannel.CallbackExceptionAsync</c>).</param>
    /// <param name="options">The options, copied; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the registration.</param>
    /// <returns>The consumer tag, for <c>BasicCancelAsync</c>.</returns>
    public static Task<string> BasicConsumeTracedAsync(
        this IChannel channel,
        MessagingTracer tracer,
        string queue,
        bool autoAck,
        Func<BasicDeliverEventArgs, CancellationToken, Task> handler,
        RabbitMqTracingOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(tracer);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handler);
        var consumer = new TracedAsyncEventingBasicConsumer(channel, tracer, queue, options);
        consumer.ReceivedAsync += (_, delivery) => handler(delivery, delivery.CancellationToken);
        return channel.BasicConsumeAsync(queue, autoAck, consumer, cancellationToken);
    }
}
