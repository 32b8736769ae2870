using System;
using System.Collections.Concurrent;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.MassTransit;

/// <summary>The <see cref="MessagingOperation"/> of a MassTransit send or consume, from the endpoint address.</summary>
internal static class MassTransitOperations
{
    // Bounded like the core's span-name cache: temporary endpoints (request clients) make addresses high-cardinality.
    private const int MaxCached = 1024;

    private static readonly ConcurrentDictionary<Uri, (string System, string Destination)> Endpoints = new();

    public static MessagingOperation Send(Uri? destination, string operationName) => Create(destination, MessagingOperationType.Send, operationName);

    public static MessagingOperation Process(Uri? inputAddress) => Create(inputAddress, MessagingOperationType.Process, "process");

    private static MessagingOperation Create(Uri? address, MessagingOperationType type, string operationName)
    {
        if (address is null)
        {
            return new MessagingOperation("masstransit", type, operationName, null);
        }

        if (!Endpoints.TryGetValue(address, out (string System, string Destination) endpoint))
        {
            endpoint = Describe(address);
            if (Endpoints.Count < MaxCached)
            {
                Endpoints.TryAdd(address, endpoint);
            }
        }

        return new MessagingOperation(endpoint.System, type, operationName, endpoint.Destination);
    }

    /// <summary>rabbitmq://host/vhost/orders → ("rabbitmq", "orders"); loopback://localhost/orders → ("in_memory", "orders").</summary>
    private static (string System, string Destination) Describe(Uri address)
    {
        string system = address.Scheme switch
        {
            "rabbitmq" or "rabbitmqs" or "amqp" or "amqps" => "rabbitmq",
            "loopback" => "in_memory",
            _ => address.Scheme,
        };
        string path = address.AbsolutePath.TrimEnd('/');
        string destination = path[(path.LastIndexOf('/') + 1)..];
        return (system, destination.Length == 0 ? address.Host : destination);
    }
}
