using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.RabbitMQ;
using RabbitMQ.Client;

namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>
/// A unique fanout exchange with one queue per subscriber and one more for raw reads. Channels are opened when the wire
/// is created, before any request span: a channel's consumer dispatcher keeps the context it was created in.
/// </summary>
public sealed class RabbitMqWire : Wire
{
    private const int Subscribers = 2;

    private readonly IChannel _publisher;
    private readonly IChannel[] _consumers;
    private readonly string _exchange;
    private readonly string[] _queues;

    private RabbitMqWire(IChannel publisher, IChannel[] consumers, string exchange, string[] queues)
    {
        _publisher = publisher;
        _consumers = consumers;
        _exchange = exchange;
        _queues = queues;
    }

    public override string Name => $"rabbitmq {_exchange}";

    public static async Task<RabbitMqWire> CreateAsync(RabbitMqBroker broker)
    {
        IChannel publisher = await broker.CreateChannelAsync();
        var consumers = new IChannel[Subscribers + 1];
        for (int i = 0; i < consumers.Length; i++)
        {
            consumers[i] = await broker.CreateChannelAsync();
        }

        string exchange = broker.UniqueName("trust.x");
        await publisher.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: false, autoDelete: true);
        string[] queues = new string[consumers.Length];
        for (int i = 0; i < queues.Length; i++)
        {
            queues[i] = broker.UniqueName($"trust.q{i}");
            await consumers[i].QueueDeclareAsync(queues[i], durable: false, exclusive: false, autoDelete: false);
            await consumers[i].QueueBindAsync(queues[i], exchange, string.Empty);
        }

        return new RabbitMqWire(publisher, consumers, exchange, queues);
    }

    public override async Task SendAsync(MessagingTracer tracer) =>
        await _publisher.BasicPublishTracedAsync(tracer, _exchange, string.Empty, "{}"u8.ToArray());

    public override async Task SendRawAsync(IReadOnlyList<KeyValuePair<string, byte[]>> headers)
    {
        var properties = new BasicProperties { Headers = headers.ToDictionary(h => h.Key, h => (object?)h.Value, StringComparer.Ordinal) };
        await _publisher.BasicPublishAsync(_exchange, string.Empty, mandatory: false, properties, "{}"u8.ToArray());
    }

    public override async Task ProcessOneAsync(MessagingTracer tracer, bool? trusted, int subscriber, Func<IReadOnlyList<KeyValuePair<string, byte[]>>, Task> handler)
    {
        IChannel channel = _consumers[subscriber];
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string tag = await channel.BasicConsumeTracedAsync(
            tracer,
            _queues[subscriber],
            autoAck: true,
            async (delivery, _) =>
            {
                try
                {
                    await handler(Raw(delivery.BasicProperties.Headers));
                    handled.TrySetResult();
                }
                catch (Exception ex)
                {
                    handled.TrySetException(ex);
                }
            },
            new RabbitMqTracingOptions { TrustIncomingContext = trusted });
        try
        {
            await handled.Task.WaitAsync(Timeout);
        }
        finally
        {
            await channel.BasicCancelAsync(tag);
        }
    }

    public override async Task<IReadOnlyList<KeyValuePair<string, byte[]>>> ReadRawAsync()
    {
        BasicGetResult? result = null;
        IChannel channel = _consumers[Subscribers];
        await Wait.UntilAsync(async () => (result = await channel.BasicGetAsync(_queues[Subscribers], autoAck: true)) is not null, Timeout, $"a message on {_queues[Subscribers]}");
        return Raw(result!.BasicProperties.Headers);
    }

    public override async ValueTask DisposeAsync()
    {
        foreach ((IChannel channel, string queue) in _consumers.Zip(_queues))
        {
            if (channel.IsOpen)
            {
                await channel.QueueDeleteAsync(queue);
            }

            await channel.DisposeAsync();
        }

        await _publisher.DisposeAsync();
    }

    /// <summary>Header values as the client hands them over: byte arrays normally, anything else as its text.</summary>
    private static IReadOnlyList<KeyValuePair<string, byte[]>> Raw(IDictionary<string, object?>? headers) =>
        headers is null
            ? []
            : [.. headers.Select(h => new KeyValuePair<string, byte[]>(h.Key, h.Value as byte[] ?? Encoding.UTF8.GetBytes(h.Value?.ToString() ?? string.Empty)))];
}
