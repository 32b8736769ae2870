using System.Threading.Tasks;
using MassTransit;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>
/// A consume filter placed before (outside) <c>UseMessagingTracing</c>: checks that no context is current before the
/// tracing filter runs and after it returns.
/// </summary>
/// <param name="run">The soak run that counts a dirty context.</param>
public sealed class AmbientCheckFilter(SoakRun run) : IFilter<ConsumeContext>
{
    /// <inheritdoc/>
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        run.CheckAmbientClean();
        await next.Send(context).ConfigureAwait(false);
        run.CheckAmbientClean();
    }

    /// <inheritdoc/>
    public void Probe(ProbeContext context) => context.CreateFilterScope("soakAmbientCheck");
}
