using System;
using System.Collections.Generic;
using Confluent.Kafka;
using Messaging.Tracing;
using Messaging.Tracing.Kafka;

// Extension methods live in the namespace of the type they extend, as Microsoft.Extensions does.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers traced Confluent.Kafka clients built with the application's one <see cref="MessagingTracer"/>, as OpenTelemetry's
/// Kafka instrumentation and .NET Aspire register theirs: inject <see cref="TracedProducer{TKey, TValue}"/> (or
/// <see cref="IProducer{TKey, TValue}"/>, the same instance) and <see cref="TracedConsumer{TKey, TValue}"/> (or
/// <see cref="IConsumer{TKey, TValue}"/>).
/// </summary>
/// <remarks>
/// The clients are singletons built on first resolution and disposed with the container. They are traced with the tracer
/// <c>services.AddMessagingTracing(...)</c> registers, so its options (baggage filters, trust, enrichment) apply; without that
/// registration, resolving a client throws an <see cref="InvalidOperationException"/> that names it, rather than tracing
/// with defaults the application never chose. Registering a client of the same key and value types again replaces the
/// earlier registration, as <c>AddSingleton</c> does.
/// </remarks>
public static class MessagingTracingKafkaServiceCollectionExtensions
{
    /// <summary>Registers a traced producer, built with the registered tracer on first use.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="config">The producer configuration (a <see cref="ProducerConfig"/>); <c>client.id</c> is read from it.</param>
    /// <param name="configureBuilder">Sets serializers, handlers and the like on the builder; nothing when null.</param>
    /// <param name="options">The Kafka tracing options; defaults when null.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddTracedKafkaProducer<TKey, TValue>(
        this IServiceCollection services,
        IEnumerable<KeyValuePair<string, string>> config,
        Action<IServiceProvider, ProducerBuilder<TKey, TValue>>? configureBuilder = null,
        KafkaTracingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return services.AddTracedKafkaProducer(_ => config, configureBuilder, options);
    }

    /// <summary>Registers a traced producer whose configuration comes from the container (bound options, configuration).</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="config">Makes the producer configuration on first use.</param>
    /// <param name="configureBuilder">Sets serializers, handlers and the like on the builder; nothing when null.</param>
    /// <param name="options">The Kafka tracing options; defaults when null.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddTracedKafkaProducer<TKey, TValue>(
        this IServiceCollection services,
        Func<IServiceProvider, IEnumerable<KeyValuePair<string, string>>> config,
        Action<IServiceProvider, ProducerBuilder<TKey, TValue>>? configureBuilder = null,
        KafkaTracingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(config);
        services.AddSingleton(provider =>
        {
            var builder = new TracedProducerBuilder<TKey, TValue>(config(provider), RegisteredTracer(provider, $"TracedProducer<{typeof(TKey).Name}, {typeof(TValue).Name}>"), options);
            configureBuilder?.Invoke(provider, builder);
            return builder.Build();
        });
        services.AddSingleton<IProducer<TKey, TValue>>(provider => provider.GetRequiredService<TracedProducer<TKey, TValue>>());
        return services;
    }

    /// <summary>Registers a traced consumer, built with the registered tracer on first use.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="config">The consumer configuration (a <see cref="ConsumerConfig"/>); <c>group.id</c> and <c>client.id</c> are read from it.</param>
    /// <param name="configureBuilder">Sets deserializers, handlers and the like on the builder; nothing when null.</param>
    /// <param name="options">The Kafka tracing options; defaults when null.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddTracedKafkaConsumer<TKey, TValue>(
        this IServiceCollection services,
        IEnumerable<KeyValuePair<string, string>> config,
        Action<IServiceProvider, ConsumerBuilder<TKey, TValue>>? configureBuilder = null,
        KafkaTracingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return services.AddTracedKafkaConsumer(_ => config, configureBuilder, options);
    }

    /// <summary>Registers a traced consumer whose configuration comes from the container (bound options, configuration).</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="config">Makes the consumer configuration on first use.</param>
    /// <param name="configureBuilder">Sets deserializers, handlers and the like on the builder; nothing when null.</param>
    /// <param name="options">The Kafka tracing options; defaults when null.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddTracedKafkaConsumer<TKey, TValue>(
        this IServiceCollection services,
        Func<IServiceProvider, IEnumerable<KeyValuePair<string, string>>> config,
        Action<IServiceProvider, ConsumerBuilder<TKey, TValue>>? configureBuilder = null,
        KafkaTracingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(config);
        services.AddSingleton(provider =>
        {
            var builder = new TracedConsumerBuilder<TKey, TValue>(config(provider), RegisteredTracer(provider, $"TracedConsumer<{typeof(TKey).Name}, {typeof(TValue).Name}>"), options);
            configureBuilder?.Invoke(provider, builder);
            return builder.Build();
        });
        services.AddSingleton<IConsumer<TKey, TValue>>(provider => provider.GetRequiredService<TracedConsumer<TKey, TValue>>());
        return services;
    }

    private static MessagingTracer RegisteredTracer(IServiceProvider provider, string client)
        => provider.GetService<MessagingTracer>() ?? throw new InvalidOperationException(
            $"{client} is traced with the application's MessagingTracer, and none is registered: add services.AddMessagingTracing(...) to the service registrations.");
}
