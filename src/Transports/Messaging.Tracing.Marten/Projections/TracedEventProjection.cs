using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;

namespace Messaging.Tracing.Marten.Projections;

/// <summary>
/// Base class for a Marten event projection whose code runs once per event, each asynchronous (daemon) event inside a
/// <c>process {projection}</c> span restored from the event's stored headers.
/// </summary>
/// <remarks>
/// <para>
/// The application overrides <see cref="HandleAsync"/>, Marten's explicit per-event form of an event projection: the
/// conventional <c>Project</c>/<c>Create</c>/<c>Transform</c> methods cannot be used with it (Marten rejects a projection
/// that has both). Without conventional methods Marten does not know which events the projection wants: call
/// <c>IncludeType&lt;TEvent&gt;()</c> in the constructor to filter them; <see cref="ProjectionBase.Name"/> (the type's full
/// name unless set) names the span.
/// </para>
/// <para>
/// Registered <see cref="ProjectionLifecycle.Async"/> (<c>opts.Projections.Add(projection, ProjectionLifecycle.Async)</c>), each
/// event gets its span. An event is delivered live when the projection's shard is not being rebuilt and the event is no older
/// than <see cref="LiveWindow"/> when its turn comes: its span follows from the append (the append's trace, parented on the
/// append span) — the daemon's page span is set aside. An event of a rebuild (<c>RebuildProjectionAsync</c>), or an older
/// event (a daemon catching up after downtime), starts a new trace with a <c>follows_from</c> link to the append. Marten does
/// not hand a projection its execution mode; the rebuild is read from the shard state the daemon publishes on the
/// database's <c>ShardStateTracker</c> (<c>ShardState.Mode</c> is <c>rebuilding</c>).
/// </para>
/// <para>
/// Registered <see cref="ProjectionLifecycle.Inline"/>, the projection runs inside the save, in the appending code's context:
/// <see cref="HandleAsync"/> runs without a span of its own (nothing to restore).
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
public abstract class TracedEventProjection : EventProjection
{
    private readonly EventProcessTracer _processing;
    private readonly Func<IEvent, IDocumentOperations, CancellationToken, Task> _handle;

    // ShardNames() makes a new array on every call; the name and version are settled once Marten runs the projection.
    private ShardName[]? _shards;

    /// <summary>Initializes the projection.</summary>
    /// <param name="tracer">The tracer the process spans are started with.</param>
    protected TracedEventProjection(MessagingTracer tracer)
    {
        _processing = new EventProcessTracer(tracer, nameof(TracedEventProjection));
        _handle = HandleAsync;
    }

    /// <summary>
    /// How old an event may be, when the daemon reaches it outside a rebuild, and still be handled live (in the append's
    /// trace); an older one is handled as a catch-up, in a new trace linked to its append. Five minutes by default;
    /// <see cref="Timeout.InfiniteTimeSpan"/> for no limit.
    /// </summary>
    /// <remarks>The age is measured from <see cref="IEvent.Timestamp"/>, the time PostgreSQL stored the event.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    protected TimeSpan LiveWindow
    {
        get => _processing.LiveWindow;
        set => _processing.LiveWindow = value;
    }

    /// <summary>Handles the event with <see cref="HandleAsync"/>, inside its process scope when the daemon runs the projection.</summary>
    /// <param name="operations">Marten operations committed with the projection's progress.</param>
    /// <param name="e">The event.</param>
    /// <param name="cancellation">Cancels the page.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    public sealed override ValueTask ApplyAsync(IDocumentOperations operations, IEvent e, CancellationToken cancellation)
        => Lifecycle == ProjectionLifecycle.Inline
            ? new ValueTask(HandleAsync(e, operations, cancellation))
            : new ValueTask(_processing.ProcessAsync(e, operations, Name, ModeOf(operations), _handle, cancellation));

    /// <summary>Handles one event; <see cref="Activity.Current"/> is the event's process span in the daemon.</summary>
    /// <param name="storedEvent">The event.</param>
    /// <param name="operations">Marten operations committed with the projection's progress.</param>
    /// <param name="cancellationToken">Cancels the page.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    protected abstract Task HandleAsync(IEvent storedEvent, IDocumentOperations operations, CancellationToken cancellationToken);

    /// <summary>Rebuild when the daemon's published state of this projection's shard says so; else continuous.</summary>
    private ShardExecutionMode ModeOf(IDocumentOperations operations)
    {
        try
        {
            ShardStateTracker tracker = operations.Database.Tracker;
            foreach (ShardName shard in _shards ??= ShardNames())
            {
                if (tracker.CurrentState(shard)?.Mode == ShardMode.rebuilding)
                {
                    return ShardExecutionMode.Rebuild;
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _processing.ReportFault(ex);
        }

        return ShardExecutionMode.Continuous;
    }
}
