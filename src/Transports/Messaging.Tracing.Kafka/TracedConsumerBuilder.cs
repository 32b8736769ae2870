using System;
using System.Collections.Generic;
using Confluent.Kafka;

namespace Messaging.Tracing.Kafka;

/// <summary>
/// A <see cref="ConsumerBuilder{TKey, TValue}"/> whose <see cref="Build"/> returns a <see cref="TracedConsumer{TKey, TValue}"/>.
/// Configure it like Confluent's builder; <c>group.id</c> and <c>client.id</c> are read from the configuration.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public class TracedConsumerBuilder<TKey, TValue> : ConsumerBuilder<TKey, TValue>
{
    private readonly MessagingTracer _tracer;
    private readonly KafkaTracingOptions? _options;

    /// <summary>Initializes a new instance of the <see cref="TracedConsumerBuilder{TKey, TValue}"/> class.</summary>
    /// <param name="config">The consumer configuration.</param>
    /// <param name="tracer">The application's tracer, whose options apply to every message: the registered one
    /// (<c>services.AddMessagingTracing()</c>; <c>services.AddTracedKafkaConsumer</c> builds the client with it for you), or, without
    /// dependency injection, <see cref="MessagingTracer.Default"/> or your own.</param>
    /// <param name="options">The Kafka tracing options; defaults when null.</param>
    public TracedConsumerBuilder(IEnumerable<KeyValuePair<string, string>> config, MessagingTracer tracer, KafkaTracingOptions? options = null)
        : base(config)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        _tracer = tracer;
        _options = options;
    }

    /// <summary>Builds the consumer and wraps it for tracing.</summary>
    /// <returns>The traced consumer.</returns>
    public override TracedConsumer<TKey, TValue> Build()
    {
        KafkaTracingOptions options = _options?.Clone() ?? new KafkaTracingOptions();
        foreach (KeyValuePair<string, string> setting in Config ?? [])
        {
            if (setting.Key == "group.id" && options.ConsumerGroupName is null)
            {
                options.ConsumerGroupName = setting.Value;
            }
            else if (setting.Key == "client.id" && options.ClientId is null)
            {
                options.ClientId = setting.Value;
            }
        }

        return new TracedConsumer<TKey, TValue>(base.Build(), _tracer, options);
    }
}
