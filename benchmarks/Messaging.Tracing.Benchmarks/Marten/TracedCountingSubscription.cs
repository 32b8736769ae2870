using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using Marten;
using Messaging.Tracing.Benchmarks.Throughput;
using Messaging.Tracing.Marten.Subscriptions;

namespace Messaging.Tracing.Benchmarks.Marten;

/// <summary>The traced subscription of the daemon scenario: a <see cref="TracedSubscription"/> doing the same work as <see cref="CountingSubscription"/>, inside each event's process span.</summary>
public sealed class TracedCountingSubscription : TracedSubscription
{
    private readonly RunMeter _meter;

    /// <summary>Initializes a new instance of the <see cref="TracedCountingSubscription"/> class.</summary>
    /// <param name="meter">Counts the handled events.</param>
    public TracedCountingSubscription(RunMeter meter)
        : base(MessagingTracer.Default)
    {
        _meter = meter;
        Name = "Counter";
    }

    /// <inheritdoc/>
    protected override Task HandleAsync(IEvent storedEvent, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        _meter.Handled();
        return Task.CompletedTask;
    }
}
