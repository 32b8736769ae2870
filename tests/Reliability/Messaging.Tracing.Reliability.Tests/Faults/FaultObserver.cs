using System;
using System.Threading.Tasks;
using MassTransit;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>Where a MassTransit application sees its consumers' exceptions: a consume observer's <c>ConsumeFault</c>.</summary>
/// <param name="run">The run to record them in.</param>
public sealed class FaultObserver(FaultRun run) : IConsumeObserver
{
    /// <inheritdoc/>
    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    /// <inheritdoc/>
    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    /// <inheritdoc/>
    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class
    {
        if (exception is ApplicationFaultException)
        {
            run.Surfaced();
        }

        return Task.CompletedTask;
    }
}
