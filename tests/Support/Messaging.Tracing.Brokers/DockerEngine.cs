using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// What the Docker engine named by <c>DOCKER_HOST</c> (default: the socket <c>/var/run/docker.sock</c>) says about itself,
/// asked over its HTTP API with a short timeout: whether it answers, its API version, and whether it has the
/// <c>bridge</c> network that published (mapped) ports need.
/// </summary>
/// <param name="Answers">The engine answered <c>/_ping</c>.</param>
/// <param name="ApiVersion">The API version the engine reported (e.g. <c>1.41</c>), or <see langword="null"/>.</param>
/// <param name="HasBridge">The engine has a <c>bridge</c> network. Without it (<c>dockerd --bridge=none</c>, the
/// narrow mode of the build machines) containers can only use host networking.</param>
internal sealed record DockerEngine(bool Answers, string? ApiVersion, bool HasBridge)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>Asks the engine; never throws.</summary>
    /// <returns>What it said (<see cref="Answers"/> false when nothing answered).</returns>
    public static async Task<DockerEngine> ProbeAsync()
    {
        string host = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } value ? value : "unix:///var/run/docker.sock";
        try
        {
            using HttpClient client = CreateClient(host);
            using var timeout = new CancellationTokenSource(Timeout);
            using HttpResponseMessage ping = await client.GetAsync(new Uri("/_ping", UriKind.Relative), timeout.Token).ConfigureAwait(false);
            if (!ping.IsSuccessStatusCode)
            {
                return new DockerEngine(false, null, false);
            }

            string? version = ping.Headers.TryGetValues("API-Version", out var values) ? values.FirstOrDefault() : null;
            using HttpResponseMessage bridge = await client.GetAsync(new Uri("/networks/bridge", UriKind.Relative), timeout.Token).ConfigureAwait(false);
            return new DockerEngine(true, version, bridge.StatusCode == HttpStatusCode.OK);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or SocketException or UriFormatException or NotSupportedException)
        {
            return new DockerEngine(false, null, false);
        }
    }

    private static HttpClient CreateClient(string host)
    {
        if (host.StartsWith("unix://", StringComparison.Ordinal))
        {
            string path = host["unix://".Length..];
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            return new HttpClient(handler) { BaseAddress = new Uri("http://docker") };
        }

        if (host.StartsWith("tcp://", StringComparison.Ordinal))
        {
            return new HttpClient { BaseAddress = new Uri("http://" + host["tcp://".Length..]) };
        }

        throw new NotSupportedException($"DOCKER_HOST '{host}' is neither unix:// nor tcp://.");
    }
}
