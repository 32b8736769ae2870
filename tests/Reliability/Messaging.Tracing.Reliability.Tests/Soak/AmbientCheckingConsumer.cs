using System;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.RabbitMQ;
using RabbitMQ.Client;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>
/// A <see cref="TracedAsyncEventingBasicConsumer"/> that checks, on RabbitMQ.Client's dispatcher side of the traced
/// wrapper, that no context is current before the delivery is handed to it and after it returns.
/// </summary>
public sealed class AmbientCheckingConsumer : TracedAsyncEventingBasicConsumer
{
    private readonly SoakRun _run;

    /// <summary>Initializes a new instance of the <see cref="AmbientCheckingConsumer"/> class.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="queue">The queue.</param>
    /// <param name="run">The soak run that counts a dirty context.</param>
    public AmbientCheckingConsumer(IChannel channel, string queue, SoakRun run)
        : base(channel, MessagingTracer.Default, queue)
    {
        _run = run;
    }

    /// <inheritdoc/>
    public override async Task HandleBasicDeliverAsync(
        string consumerTag,
        ulong deliveryTag,
        bool redelivered,
        string exchange,
        string routingKey,
        IReadOnlyBasicProperties properties,
        ReadOnlyMemory<byte> body,
        CancellationToken cancellationToken = default)
    {
        _run.CheckAmbientClean();
        await base.HandleBasicDeliverAsync(consumerTag, deliveryTag, redelivered, exchange, routingKey, properties, body, cancellationToken).ConfigureAwait(false);
        _run.CheckAmbientClean();
    }
}
