using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Marten.Subscriptions;

/// <summary>
/// Base class for a Marten subscription (async daemon) that handles one event at a time, each inside a
/// <c>process {subscription}</c> span restored from the event's stored headers.
/// </summary>
/// <remarks>
/// A live daemon (<see cref="ShardExecutionMode.Continuous"/>) follows from the append: the span continues the append's
/// trace, parented on the append span, with a <c>follows_from</c> link — the daemon's own page span (Marten's
/// <c>execution</c> span, current while the page runs) is set aside. A rebuild or catch-up starts a new trace with a
/// <c>follows_from</c> link to the append. A handler exception is recorded on the span and rethrown; a fault in the
/// instrumentation never reaches the daemon.
/// </remarks>
public abstract class TracedSubscription : SubscriptionBase
{
    private const string System = "marten";
    private const string ProcessOperation = "process";

    private readonly MessagingTracer _tracer;

    /// <summary>Initializes the subscription.</summary>
    /// <param name="tracer">The tracer the process spans are started with.</param>
    protected TracedSubscription(MessagingTracer tracer)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        _tracer = tracer;
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
            Activity? ambient = Activity.Current;
            ProcessScope? scope = Open(@event, page, controller.Mode, ambient);
            try
            {
                await HandleAsync(@event, operations, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Record(scope, ex);
                throw;
            }
            finally
            {
                Close(scope, ambient);
            }
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

    private ProcessScope? Open(IEvent @event, EventRange page, ShardExecutionMode mode, Activity? ambient)
    {
        try
        {
            bool live = mode == ShardExecutionMode.Continuous;
            if (live)
            {
                // FollowsFrom parents on the current span when there is one: the daemon's page span is set aside so a live
                // process span sits in the append's trace. Close restores it.
                Activity.Current = null;
            }

            ProcessScope scope = _tracer.StartProcess(
                _tracer.Extract(@event, EventHeadersCarrierAdapter.Instance),
                new MessagingOperation(System, MessagingOperationType.Process, ProcessOperation, page.ShardName.Name),
                live ? MessageRelationship.FollowsFrom : MessageRelationship.NewTrace,
                message: @event);
            if (scope.Activity is { IsAllDataRequested: true } activity && !string.IsNullOrEmpty(@event.CorrelationId))
            {
                activity.SetTag(MessagingAttributes.ConversationId, @event.CorrelationId);
            }

            return scope;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(TracedSubscription), ex);
            Activity.Current = ambient;
            return null;
        }
    }

    private static void Record(ProcessScope? scope, Exception exception)
    {
        try
        {
            scope?.RecordException(exception);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(TracedSubscription), ex);
        }
    }

    private static void Close(ProcessScope? scope, Activity? ambient)
    {
        try
        {
            scope?.Dispose();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(TracedSubscription), ex);
        }

        Activity.Current = ambient;
    }
}
