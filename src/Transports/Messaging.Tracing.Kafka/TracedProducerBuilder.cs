using System;
using System.Collections.Generic;
using Confluent.Kafka;

namespace Messaging.Tracing.Kafka;

/// <summary>
/// A <see cref="ProducerBuilder{TKey, TValue}"/> whose <see cref="Build"/> returns a <see cref="TracedProducer{TKey, TValue}"/>.
/// Configure it like Confluent's builder; <c>client.id</c> and <c>dotnet.producer.enable.delivery.reports</c> are read
/// from the configuration.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public class TracedProducerBuilder<TKey, TValue> : ProducerBuilder<TKey, TValue>
{
    private readonly MessagingTracer _tracer;
    private readonly KafkaTracingOptions? _options;

    /// <summary>Initializes a new instance of the <see cref="TracedProducerBuilder{TKey, TValue}"/> class.</summary>
    /// <param name="config">The producer configuration.</param>
    /// <param name="tracer">The application's tracer, whose options apply to every message: the registered one
    /// (<c>services.AddMessagingTracing()</c>; <c>services.AddTracedKafkaProducer</c> builds the client with it for you), or, without
    /// dependency injection, <see cref="MessagingTracer.Default"/> or your own.</param>
    /// <param name="options">The Kafka tracing options; defaults when null.</param>
    public TracedProducerBuilder(IEnumerable<KeyValuePair<string, string>> config, MessagingTracer tracer, KafkaTracingOptions? options = null)
        : base(config)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        _tracer = tracer;
        _options = options;
    }

    /// <summary>Builds the producer and wraps it for tracing.</summary>
    /// <returns>The traced producer.</returns>
    public override TracedProducer<TKey, TValue> Build()
    {
        KafkaTracingOptions options = _options?.Clone() ?? new KafkaTracingOptions();
        bool deliveryReports = true;
        foreach (KeyValuePair<string, string> setting in Config ?? [])
        {
            if (setting.Key == "client.id" && options.ClientId is null)
            {
                options.ClientId = setting.Value;
            }
            else if (setting.Key == "dotnet.producer.enable.delivery.reports")
            {
                deliveryReports = !string.Equals(setting.Value, "false", StringComparison.OrdinalIgnoreCase);
            }
        }

        return new TracedProducer<TKey, TValue>(base.Build(), _tracer, options, deliveryReports);
    }
}
