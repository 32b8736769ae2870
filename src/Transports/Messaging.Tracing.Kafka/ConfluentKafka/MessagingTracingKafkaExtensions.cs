using Messaging.Tracing;
using Messaging.Tracing.Kafka;
using OpenTelemetry.Context.Propagation;

// Extension methods live in the namespace of the types they extend, as OpenTelemetry's Kafka instrumentation does.
namespace Confluent.Kafka;

/// <summary>Tracing for existing Confluent.Kafka clients and consume results.</summary>
public static class MessagingTracingKafkaExtensions
{
    /// <summary>Wraps an existing producer for tracing; the wrapper owns and disposes it.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="producer">The producer.</param>
    /// <param name="tracer">The tracer; <see cref="MessagingTracer.Default"/> when null.</param>
    /// <param name="options">The options; defaults when null.</param>
    /// <returns>The traced producer (the same instance when it is already traced).</returns>
    public static TracedProducer<TKey, TValue> WithTracing<TKey, TValue>(this IProducer<TKey, TValue> producer, MessagingTracer? tracer = null, KafkaTracingOptions? options = null)
        => producer as TracedProducer<TKey, TValue> ?? new TracedProducer<TKey, TValue>(producer, tracer, options);

    /// <summary>Wraps an existing consumer for tracing; the wrapper owns and disposes it.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="consumer">The consumer.</param>
    /// <param name="tracer">The tracer; <see cref="MessagingTracer.Default"/> when null.</param>
    /// <param name="options">The options (set <see cref="KafkaTracingOptions.ConsumerGroupName"/>); defaults when null.</param>
    /// <returns>The traced consumer (the same instance when it is already traced).</returns>
    public static TracedConsumer<TKey, TValue> WithTracing<TKey, TValue>(this IConsumer<TKey, TValue> consumer, MessagingTracer? tracer = null, KafkaTracingOptions? options = null)
        => consumer as TracedConsumer<TKey, TValue> ?? new TracedConsumer<TKey, TValue>(consumer, tracer, options);

    /// <summary>
    /// Reads the producer's trace context and baggage from a consumed message's headers, for applications that consume
    /// with plain <c>Consume</c> and start their own spans. Never throws; <c>default</c> when there is none.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="result">The consume result.</param>
    /// <param name="tracer">The tracer (its baggage filter applies); <see cref="MessagingTracer.Default"/> when null.</param>
    /// <returns>The producer's context.</returns>
    public static PropagationContext ExtractTraceContext<TKey, TValue>(this ConsumeResult<TKey, TValue> result, MessagingTracer? tracer = null)
        => result?.Message?.Headers is { } headers
            ? (tracer ?? MessagingTracer.Default).Extract(headers, KafkaHeadersCarrierAdapter.Instance)
            : default;
}
