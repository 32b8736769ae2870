using System.Threading.Tasks;
using MassTransit;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>The MassTransit soak's consumer: the run's handler.</summary>
/// <param name="run">The soak run.</param>
public sealed class SoakPingConsumer(SoakRun run) : IConsumer<SoakPing>
{
    /// <inheritdoc/>
    public Task Consume(ConsumeContext<SoakPing> context) => run.HandleAsync(context.Message.Payload);
}
