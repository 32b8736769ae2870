using System;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// Local TCP ports for the dedicated brokers, chosen below the kernel's ephemeral range: a broker restarted on the same
/// port must find it free, and a port from the ephemeral range can meanwhile be taken as the source port of any
/// outgoing connection on the machine (it happened: RabbitMQ then fails to boot with <c>could_not_start_listener</c>).
/// </summary>
internal static class FreePort
{
    /// <summary>The lowest port handed out.</summary>
    private const int Lowest = 20_000;

    /// <summary>Linux's default ephemeral range starts here; read from <see cref="EphemeralRangeFile"/> when it exists.</summary>
    private const int DefaultEphemeralStart = 32_768;

    /// <summary>Random ports tried before giving up.</summary>
    private const int Attempts = 200;

    private const string EphemeralRangeFile = "/proc/sys/net/ipv4/ip_local_port_range";

    /// <summary>Returns a port below the ephemeral range that nothing listens on now (on any address).</summary>
    /// <exception cref="InvalidOperationException">No free port was found.</exception>
    public static int Next()
    {
        int end = Math.Max(Lowest + 1, EphemeralStart());
        for (int i = 0; i < Attempts; i++)
        {
            int port = Random.Shared.Next(Lowest, end);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free TCP port between {Lowest} and {end} after {Attempts} tries.");
    }

    private static int EphemeralStart()
    {
        try
        {
            string[] range = File.ReadAllText(EphemeralRangeFile).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return range.Length > 0 && int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out int start) ? start : DefaultEphemeralStart;
        }
        catch (IOException)
        {
            return DefaultEphemeralStart;
        }
        catch (UnauthorizedAccessException)
        {
            return DefaultEphemeralStart;
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
