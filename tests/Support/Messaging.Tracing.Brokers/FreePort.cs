using System.Net;
using System.Net.Sockets;

namespace Messaging.Tracing.Brokers;

/// <summary>Local TCP ports nothing listens on, for the dedicated brokers.</summary>
internal static class FreePort
{
    /// <summary>Returns a port the system just handed out and released (free now; a race with another process is possible but unlikely).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
