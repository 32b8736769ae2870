using System;
using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>Plain RabbitMQ.Client, as an application without MassTransit uses it.</summary>
public static class RawRabbitMq
{
    /// <summary>A MassTransit JSON envelope for a message, as any producer can write it.</summary>
    public static byte[] Envelope(string messageType, string messageJson) => Encoding.UTF8.GetBytes(
        $$"""{"messageId":"{{Guid.NewGuid()}}","messageType":["urn:message:Messaging.Tracing.MassTransit.Tests:{{messageType}}"],"message":{{messageJson}}}""");

    public static async Task SendAsync(RabbitMqBroker broker, string queue, byte[] body, IDictionary<string, object?> headers)
    {
        await using IChannel channel = await broker.CreateChannelAsync();
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", Headers = headers, MessageId = Guid.NewGuid().ToString() };
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, body);
    }

    /// <summary>Reads the next message of <paramref name="queue"/>, waiting for it and, if need be, for the queue.</summary>
    public static async Task<BasicGetResult> GetAsync(RabbitMqBroker broker, string queue, TimeSpan timeout)
    {
        BasicGetResult? result = null;
        await Wait.UntilAsync(
            async () =>
            {
                // A missing queue closes the channel (404), so each try has its own.
                await using IChannel channel = await broker.CreateChannelAsync();
                try
                {
                    result = await channel.BasicGetAsync(queue, autoAck: true);
                }
                catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
                {
                    result = null;
                }

                return result is not null;
            },
            timeout,
            $"a message on {queue}");
        return result!;
    }

    public static string? Header(BasicGetResult message, string key) =>
        message.BasicProperties.Headers?.TryGetValue(key, out object? value) == true
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), string text => text, _ => null }
            : null;
}
