using System;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using RabbitMQ.Client;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>Deletes durable test queues when a test ends.</summary>
public sealed class QueueCleanup(RabbitMqBroker broker, string[] queues) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await using IChannel channel = await broker.CreateChannelAsync();
        foreach (string queue in queues)
        {
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
        }
    }
}
