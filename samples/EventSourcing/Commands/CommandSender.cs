using System;
using System.Threading;
using System.Threading.Tasks;
using MassTransit;

namespace EventSourcing.Commands;

/// <summary>Sends band commands to the command queue with the flow's correlation id and the id of what caused them.</summary>
public sealed class CommandSender
{
    /// <summary>The MassTransit header carrying what caused a command (a request's correlation id or an event id).</summary>
    public const string CausationIdHeader = "causation-id";

    private readonly ISendEndpointProvider _endpoints;
    private readonly Uri _queue;

    /// <summary>Initializes a new instance of the <see cref="CommandSender"/> class.</summary>
    /// <param name="endpoints">The bus.</param>
    /// <param name="settings">The settings (queue name).</param>
    public CommandSender(IBus endpoints, SampleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(settings);
        _endpoints = endpoints;
        _queue = new Uri("queue:" + settings.CommandQueue);
    }

    /// <summary>Sends a command.</summary>
    /// <typeparam name="T">The command type.</typeparam>
    /// <param name="command">The command.</param>
    /// <param name="correlationId">The flow's correlation id.</param>
    /// <param name="causationId">What caused the command.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The command's message id.</returns>
    public async Task<Guid> SendAsync<T>(T command, Guid correlationId, string causationId, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(command);
        Guid messageId = NewId.NextGuid();
        ISendEndpoint endpoint = await _endpoints.GetSendEndpoint(_queue).ConfigureAwait(false);
        await endpoint.Send(command, context =>
        {
            context.MessageId = messageId;
            context.CorrelationId = correlationId;
            context.Headers.Set(CausationIdHeader, causationId);
        }, cancellationToken).ConfigureAwait(false);
        return messageId;
    }
}
