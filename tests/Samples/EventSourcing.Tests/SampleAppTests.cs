using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace EventSourcing.Tests;

/// <summary>How the application refuses to start when its infrastructure is missing.</summary>
public sealed class SampleAppTests
{
    [Fact]
    public async Task On_marten_an_unreachable_postgres_fails_the_start_saying_where_and_how_to_start_it()
    {
        // A port nothing listens on: taken from the system, then released.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SampleApp.StartAsync(SampleConfiguration.From(new Dictionary<string, string?>
        {
            ["Sample:EventStore"] = "marten",
            ["POSTGRES_CONNECTION"] = $"Host=127.0.0.1;Port={port};Username=someone;Password=secret-value;Database=reviews;Timeout=5",
        })));

        Assert.StartsWith($"PostgreSQL is not reachable at 127.0.0.1:{port}/reviews as someone (Sample:PostgresConnection or POSTGRES_CONNECTION): ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Start it with eng/brokers.sh, or point the setting at a running server.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", error.Message, StringComparison.Ordinal);
    }
}
