using System;
using Messaging.Tracing;
using Messaging.Tracing.Kafka;
using OpenTelemetry.Context.Propagation;

// Extension methods live in the namespace of the types they extend, as OpenTelemetry's Kafka instrumentation does.
namespace Confluent.Kafka;

/// <summary>Tracing for existing Confluent.Kafka clients and consume results.</summary>
/// <remarks>
/// Every method takes the application's <see cref="MessagingTracer"/> right after the client: the registered one
/// (<c>services.AddMessagingTracing()</c>), or, without dependency injection, <see cref="MessagingTracer.Default"/> or your own.
/// None falls back to a default, so the options the application configured (baggage filters, trust, enrichment) always apply.
/// </remarks>
public static class MessagingTracingKafkaExtensions
{
    /// <summary>Wraps an existing producer for tracing; the wrapper owns and disposes it.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="producer">The producer.</param>
    /// <param name="tracer">The application's tracer.</param>
    /// <param name="options">The options; defaults when null.</param>
    /// <returns>The traced producer: the same instance when it is already traced with <paramref name="tracer"/>.</returns>
    /// <exception cref="ArgumentException">The producer is already traced with another tracer (tracing it twice would send two spans per message).</exception>
    public static TracedProducer<TKey, TValue> WithTracing<TKey, TValue>(this IProducer<TKey, TValue> producer, MessagingTracer tracer, KafkaTracingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(tracer);
        if (producer is TracedProducer<TKey, TValue> traced)
        {
            return traced.Tracer == tracer ? traced : throw AlreadyTraced(nameof(producer));
        }

        return new TracedProducer<TKey, TValue>(producer, tracer, options);
    }

    /// <summary>Wraps an existing consumer for tracing; the wrapper owns and disposes it.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="consumer">The consumer.</param>
    /// <param name="tracer">The application's tracer.</param>
    /// <param name="options">The options (set <see cref="KafkaTracingOptions.ConsumerGroupName"/>); defaults when null.</param>
    /// <returns>The traced consumer: the same instance when it is already traced with <paramref name="tracer"/>.</returns>
    /// <exception cref="ArgumentException">The consumer is already traced with another tracer.</exception>
    public static TracedConsumer<TKey, TValue> WithTracing<TKey, TValue>(this IConsumer<TKey, TValue> consumer, MessagingTracer tracer, KafkaTracingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(tracer);
        if (consumer is TracedConsumer<TKey, TValue> traced)
        {
            return traced.Tracer == tracer ? traced : throw AlreadyTraced(nameof(consumer));
        }

        return new TracedConsumer<TKey, TValue>(consumer, tracer, options);
    }

    /// <summary>
    /// Reads the producer's trace context and baggage from a consumed message's headers, for applications that consume
    /// with plain <c>Consume</c> and start their own spans. Never throws; <c>default</c> when there is none.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="result">The consume result.</param>
    /// <param name="tracer">The application's tracer (its inbound baggage filter applies).</param>
    /// <returns>The producer's context.</returns>
    public static PropagationContext ExtractTraceContext<TKey, TValue>(this ConsumeResult<TKey, TValue> result, MessagingTracer tracer)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        return result?.Message?.Headers is { } headers ? tracer.Extract(headers, KafkaHeadersCarrierAdapter.Instance) : default;
    }

    private static ArgumentException AlreadyTraced(string parameterName)
        => new("The client is already traced with another MessagingTracer; build it with the tracer it should use.", parameterName);
}
