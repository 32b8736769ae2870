using System;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Messaging.Tracing.Benchmarks.Throughput;

namespace Messaging.Tracing.Benchmarks.Marten;

/// <summary>The untraced subscription of the daemon scenario: a plain <see cref="SubscriptionBase"/> that counts each event of the page.</summary>
public sealed class CountingSubscription : SubscriptionBase
{
    private readonly RunMeter _meter;

    /// <summary>Initializes a new instance of the <see cref="CountingSubscription"/> class.</summary>
    /// <param name="meter">Counts the handled events.</param>
    public CountingSubscription(RunMeter meter)
    {
        _meter = meter;
        Name = "Counter";
    }

    /// <inheritdoc/>
    public override Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller, IDocumentOperations operations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        foreach (IEvent _ in page.Events)
        {
            _meter.Handled();
        }

        return Task.FromResult<IChangeListener>(NullChangeListener.Instance);
    }
}
