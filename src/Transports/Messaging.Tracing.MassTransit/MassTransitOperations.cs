using System;
using System.Collections.Concurrent;
using MassTransit;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.MassTransit;

/// <summary>The <see cref="MessagingOperation"/> of a MassTransit send or consume, from the endpoint address.</summary>
internal static class MassTransitOperations
{
    // Bounded like the core's span-name cache: temporary endpoints (request clients) make addresses high-cardinality.
    private const int MaxCached = 1024;

    /// <summary>The destination template the metrics of a temporary endpoint carry instead of its per-instance name.</summary>
    private const string TemporaryTemplate = "(temporary)";

    private static readonly ConcurrentDictionary<Uri, (string System, string Destination, string? Template)> Endpoints = new();

    public static MessagingOperation Send(Uri? destination, string operationName) => Create(destination, MessagingOperationType.Send, operationName);

    public static MessagingOperation Process(Uri? inputAddress) => Create(inputAddress, MessagingOperationType.Process, "process");

    /// <summary>
    /// The process operation of a consumed message, with its time in queue measured from <see cref="MessageContext.SentTime"/>:
    /// the sender's clock when it created the send (MassTransit fills it on every send and keeps it across retries and redeliveries).
    /// </summary>
    public static MessagingOperation Process(ConsumeContext context) => Process(context.ReceiveContext.InputAddress) with
    {
        MessageTimestamp = context.SentTime is { } sent ? new DateTimeOffset(sent.Kind == DateTimeKind.Local ? sent.ToUniversalTime() : DateTime.SpecifyKind(sent, DateTimeKind.Utc)) : null,
    };

    private static MessagingOperation Create(Uri? address, MessagingOperationType type, string operationName)
    {
        if (address is null)
        {
            return new MessagingOperation("masstransit", type, operationName, null);
        }

        if (!Endpoints.TryGetValue(address, out (string System, string Destination, string? Template) endpoint))
        {
            endpoint = Describe(address);
            if (Endpoints.Count < MaxCached)
            {
                Endpoints.TryAdd(address, endpoint);
            }
        }

        return new MessagingOperation(endpoint.System, type, operationName, endpoint.Destination) { DestinationTemplate = endpoint.Template };
    }

    /// <summary>
    /// rabbitmq://host/vhost/orders → ("rabbitmq", "orders", null); loopback://localhost/orders → ("in_memory", "orders", null);
    /// an endpoint MassTransit named for one bus instance (see <see cref="IsGeneratedName"/>) gets the template
    /// <c>(temporary)</c> for metrics.
    /// </summary>
    private static (string System, string Destination, string? Template) Describe(Uri address)
    {
        string system = address.Scheme switch
        {
            "rabbitmq" or "rabbitmqs" or "amqp" or "amqps" => "rabbitmq",
            "loopback" => "in_memory",
            _ => address.Scheme,
        };
        string path = address.AbsolutePath.TrimEnd('/');
        string destination = path[(path.LastIndexOf('/') + 1)..];
        string? template = IsGeneratedName(destination) ? TemporaryTemplate : null;
        return (system, destination.Length == 0 ? address.Host : destination, template);
    }

    /// <summary>
    /// Whether MassTransit generated the name for one bus instance: <c>{host}_{process}_{tag}_{id}</c>, the id a NewId in
    /// 26 z-base-32 characters — the bus endpoint (every request's response address) and <c>TemporaryEndpointDefinition</c>
    /// endpoints. A temporary endpoint the application named keeps its name.
    /// </summary>
    private static bool IsGeneratedName(string name)
    {
        const int IdLength = 26;
        const string ZBase32 = "ybndrfg8ejkmcpqxot1uwisza345h769";
        int separator = name.Length - IdLength - 1;
        if (separator < 1 || name[separator] != '_')
        {
            return false;
        }

        foreach (char c in name.AsSpan(separator + 1))
        {
            if (!ZBase32.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
