using System;
using System.Text;
using System.Threading.Tasks;
using RabbitMQ.Client;
using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

[Trait(LocalTools.Trait, LocalTools.Value)]
public sealed class RabbitMqNodeTests
{
    [Fact]
    public async Task A_stopped_node_restarts_with_its_durable_queue_and_persistent_message()
    {
        var node = new RabbitMqNode();
        await node.InitializeAsync();
        try
        {
            Assert.NotEqual(5672, node.Port);
            var factory = new ConnectionFactory { Uri = node.Uri };
            await using (IConnection connection = await factory.CreateConnectionAsync())
            await using (IChannel channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
            {
                await channel.QueueDeclareAsync("kept", durable: true, exclusive: false, autoDelete: false);
                await channel.BasicPublishAsync(string.Empty, "kept", mandatory: true, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes("survives"));
            }

            await node.StopAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => factory.CreateConnectionAsync());
            await node.StartAsync();

            await using IConnection again = await factory.CreateConnectionAsync();
            await using IChannel reading = await again.CreateChannelAsync();
            BasicGetResult? message = await reading.BasicGetAsync("kept", autoAck: true);
            Assert.NotNull(message);
            Assert.Equal("survives", Encoding.UTF8.GetString(message.Body.Span));
        }
        finally
        {
            await node.DisposeAsync();
        }
    }
}
