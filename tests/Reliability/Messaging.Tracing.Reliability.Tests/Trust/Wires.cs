using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Xunit;

namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>Creates a <see cref="Wire"/> by transport name; reads raw header values.</summary>
public sealed class Wires(KafkaCluster kafka, RabbitMqBroker rabbitMq, RedisBroker redis)
{
    public const string Kafka = "kafka";
    public const string RabbitMq = "rabbitmq";
    public const string MassTransit = "masstransit";
    public const string Redis = "redis";

    public static readonly string[] All = [Kafka, RabbitMq, MassTransit, Redis];

    /// <summary>
    /// A new wire. <paramref name="tracer"/> and <paramref name="trust"/> matter to MassTransit only, whose endpoints are
    /// configured when its bus starts; the other transports take them per call.
    /// </summary>
    public async Task<Wire> CreateAsync(string transport, MessagingTracer tracer, params bool?[] trust) => transport switch
    {
        Kafka => await KafkaWire.CreateAsync(kafka),
        RabbitMq => await RabbitMqWire.CreateAsync(rabbitMq),
        MassTransit => await MassTransitWire.CreateAsync(rabbitMq, tracer, trust),
        Redis => RedisWire.Create(redis),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "Unknown transport."),
    };

    /// <summary>The one value of <paramref name="key"/> in raw headers, as text; fails when the key is repeated.</summary>
    public static string? Single(IReadOnlyList<KeyValuePair<string, byte[]>> raw, string key)
    {
        KeyValuePair<string, byte[]>[] values = [.. raw.Where(h => h.Key == key)];
        Assert.True(values.Length <= 1, $"'{key}' is on the wire {values.Length} times");
        return values.Length == 0 ? null : Encoding.UTF8.GetString(values[0].Value);
    }
}
