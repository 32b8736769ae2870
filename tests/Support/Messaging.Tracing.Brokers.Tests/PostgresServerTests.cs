using System.Threading.Tasks;
using Npgsql;
using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

[Trait(LocalTools.Trait, LocalTools.Value)]
public sealed class PostgresServerTests
{
    [Fact]
    public async Task A_stopped_server_restarts_on_its_port_with_what_it_had_committed()
    {
        var server = new PostgresServer();
        await server.InitializeAsync();
        try
        {
            Assert.NotEqual(5432, server.Port);
            await using (var before = new NpgsqlConnection(server.ConnectionString))
            {
                await before.OpenAsync();
                await using var write = new NpgsqlCommand("CREATE TABLE kept (value text); INSERT INTO kept VALUES ('yes')", before);
                await write.ExecuteNonQueryAsync();
            }

            await server.StopAsync();
            Assert.False(server.IsRunning);
            await using (var down = new NpgsqlConnection(server.ConnectionString + ";Pooling=false"))
            {
                await Assert.ThrowsAsync<NpgsqlException>(() => down.OpenAsync());
            }

            await server.StartAsync();
            NpgsqlConnection.ClearAllPools();
            await using var after = new NpgsqlConnection(server.ConnectionString);
            await after.OpenAsync();
            await using var read = new NpgsqlCommand("SELECT value FROM kept", after);
            Assert.Equal("yes", await read.ExecuteScalarAsync());
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.False(server.IsRunning);
    }
}
