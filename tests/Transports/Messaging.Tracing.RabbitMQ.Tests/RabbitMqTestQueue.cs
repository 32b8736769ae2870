using System;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using RabbitMQ.Client;

namespace Messaging.Tracing.RabbitMQ.Tests;

/// <summary>
/// A unique direct exchange bound to a unique queue with <see cref="RoutingKey"/>, a channel to publish on and one to
/// consume on. Create it before the test's request span: a channel's consumer dispatcher keeps the context it was created in.
/// </summary>
public sealed class RabbitMqTestQueue : IAsyncDisposable
{
    public const string RoutingKey = "order.created";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private RabbitMqTestQueue(string exchange, string name, IChannel publisher, IChannel consumer)
    {
        Exchange = exchange;
        Name = name;
        Publisher = publisher;
        Consumer = consumer;
    }

    public string Exchange { get; }

    public string Name { get; }

    public IChannel Publisher { get; }

    public IChannel Consumer { get; }

    /// <summary>Gets the publish span's destination: <c>{exchange}:{routing key}</c>.</summary>
    public string Destination => $"{Exchange}:{RoutingKey}";

    /// <summary>Gets the process span's destination: <c>{exchange}:{routing key}:{queue}</c>.</summary>
    public string ProcessDestination => $"{Exchange}:{RoutingKey}:{Name}";

    public static async Task<RabbitMqTestQueue> CreateAsync(RabbitMqBroker broker, bool publisherConfirms = false)
    {
        IChannel publisher = await broker.Connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirms, publisherConfirms));
        IChannel consumer = await broker.CreateChannelAsync();
        string exchange = broker.UniqueName("tracing.x");
        string queue = broker.UniqueName("tracing.q");
        await consumer.ExchangeDeclareAsync(exchange, ExchangeType.Direct, durable: false, autoDelete: true);
        await consumer.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);
        await consumer.QueueBindAsync(queue, exchange, RoutingKey);
        return new RabbitMqTestQueue(exchange, queue, publisher, consumer);
    }

    /// <summary>Publishes with plain RabbitMQ.Client, untraced.</summary>
    public ValueTask PublishRawAsync(BasicProperties properties, byte[] body)
        => Publisher.BasicPublishAsync(Exchange, RoutingKey, mandatory: true, properties, body);

    /// <summary>Publishes through the traced extension.</summary>
    public ValueTask PublishTracedAsync(BasicProperties? properties = null, byte[]? body = null, RabbitMqTracingOptions? options = null)
        => Publisher.BasicPublishTracedAsync(MessagingTracer.Default, Exchange, RoutingKey, mandatory: true, properties, body ?? "{}"u8.ToArray(), options: options);

    /// <summary>Takes the next message with <c>basic.get</c>, exactly as it is on the broker.</summary>
    public async Task<BasicGetResult> GetAsync()
    {
        BasicGetResult? result = null;
        await Wait.UntilAsync(async () => (result = await Consumer.BasicGetAsync(Name, autoAck: true)) is not null, Timeout, $"a message on {Name}");
        return result!;
    }

    public async ValueTask DisposeAsync()
    {
        if (Consumer.IsOpen)
        {
            await Consumer.QueueDeleteAsync(Name);
            await Consumer.ExchangeDeleteAsync(Exchange);
        }

        await Publisher.DisposeAsync();
        await Consumer.DisposeAsync();
    }
}
