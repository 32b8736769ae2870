using System.Threading.Tasks;
using StackExchange.Redis;
using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

[Trait(LocalTools.Trait, LocalTools.Value)]
public sealed class RedisServerTests
{
    [Fact]
    public async Task A_killed_server_restarts_on_its_port_with_what_it_had_acknowledged()
    {
        var server = new RedisServer();
        await server.InitializeAsync();
        try
        {
            Assert.NotEqual(6379, server.Port);
            using (ConnectionMultiplexer before = await ConnectionMultiplexer.ConnectAsync(server.Configuration))
            {
                await before.GetDatabase().StringSetAsync("kept", "yes");
            }

            await server.KillAsync();
            Assert.False(server.IsRunning);
            await server.StartAsync();

            using ConnectionMultiplexer after = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
            Assert.Equal("yes", (string?)await after.GetDatabase().StringGetAsync("kept"));
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.False(server.IsRunning);
    }
}
