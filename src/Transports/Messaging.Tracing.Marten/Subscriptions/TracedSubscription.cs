using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;

namespace Messaging.Tracing.Marten.Subscriptions;

/// <summary>
/// Base class for a Marten subscription (async daemon) that handles one event at a time, each inside a
/// <c>process {subscription}</c> span restored from the event's stored headers.
/// </summary>
/// <remarks>
/// <para>
/// An event is delivered live when the daemon runs in <see cref="ShardExecutionMode.Continuous"/> mode and the event is no
/// older than <see cref="LiveWindow"/> when its turn comes: its span follows from the append (the append's trace, parented
/// on the append span, with a <c>follows_from</c> link) — the daemon's own page span (Marten's <c>execution</c> span,
/// current while the page runs) is set aside. Any other event — a rebuild or a replay, or an older event, which is a daemon
/// catching up after downtime (Marten reports that as <see cref="ShardExecutionMode.Continuous"/> too) — starts a new
/// trace with a <c>follows_from</c> link to the append.
/// </para>
/// <para>
/// A handler exception is recorded on the span and rethrown; a fault in the instrumentation never reaches the daemon.
/// </para>
/// <para>
/// Metrics (<c>Messaging.Tracing</c> meter), span or no span: each daemon event adds 1 to
/// <c>messaging.client.consumed.messages</c> and records <c>messaging.process.duration</c> (with <c>error.type</c> when the
/// handler throws), with the name as <c>messaging.destination.name</c>; live and catch-up events also record
/// <c>messaging_tracing.queue.duration</c> from <see cref="IEvent.Timestamp"/>, rebuilds do not.
/// </para>
/// </remarks>
public abstract class TracedSubscription : SubscriptionBase
{
    private readonly EventProcessTracer _processing;
    private readonly Func<IEvent, IDocumentOperations, CancellationToken, Task> _handle;

    /// <summary>Initializes the subscription.</summary>
    /// <param name="tracer">The tracer the process spans are started with.</param>
    protected TracedSubscription(MessagingTracer tracer)
    {
        _processing = new EventProcessTracer(tracer, nameof(TracedSubscription));
        _handle = HandleAsync;
    }

    /// <summary>
    /// How old an event may be, when a continuous daemon reaches it, and still be handled live (in the append's trace);
    /// an older one is handled as a catch-up, in a new trace linked to its append. Five minutes by default;
    /// <see cref="Timeout.InfiniteTimeSpan"/> for no limit (every event a continuous daemon reaches is live).
    /// </summary>
    /// <remarks>The age is measured from <see cref="IEvent.Timestamp"/>, the time PostgreSQL stored the event.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    protected TimeSpan LiveWindow
    {
        get => _processing.LiveWindow;
        set => _processing.LiveWindow = value;
    }

    /// <summary>Handles each event of the page in its own process scope, in order.</summary>
    /// <param name="page">The page of events.</param>
    /// <param name="controller">The daemon's controller for this subscription; its mode decides live or replay.</param>
    /// <param name="operations">Marten operations committed with the subscription's progress.</param>
    /// <param name="cancellationToken">Cancels the page.</param>
    /// <returns>The listener <see cref="CompletePageAsync"/> returns.</returns>
    public sealed override async Task<IChangeListener> ProcessEventsAsync(
        EventRange page,
        ISubscriptionController controller,
        IDocumentOperations operations,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(controller);
        foreach (IEvent @event in page.Events)
        {
            await _processing.ProcessAsync(@event, operations, page.ShardName.Name, controller.Mode, _handle, cancellationToken).ConfigureAwait(false);
        }

        return await CompletePageAsync(page, operations, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Handles one event; <see cref="Activity.Current"/> is the event's process span.</summary>
    /// <param name="storedEvent">The event.</param>
    /// <param name="operations">Marten operations committed with the subscription's progress.</param>
    /// <param name="cancellationToken">Cancels the page.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    protected abstract Task HandleAsync(IEvent storedEvent, IDocumentOperations operations, CancellationToken cancellationToken);

    /// <summary>Called once the page's events are handled; returns the listener Marten calls around the page's commit.</summary>
    /// <param name="page">The page of events.</param>
    /// <param name="operations">Marten operations committed with the subscription's progress.</param>
    /// <param name="cancellationToken">Cancels the page.</param>
    /// <returns>A listener that does nothing, unless overridden.</returns>
    protected virtual Task<IChangeListener> CompletePageAsync(EventRange page, IDocumentOperations operations, CancellationToken cancellationToken)
        => Task.FromResult<IChangeListener>(NullChangeListener.Instance);
}
