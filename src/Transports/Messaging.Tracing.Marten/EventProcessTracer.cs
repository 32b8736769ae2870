using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Marten;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Marten;

/// <summary>
/// What <c>TracedSubscription</c> and <c>TracedEventProjection</c> share: the rule that decides whether an event is
/// delivered live or replayed, and the <c>process</c> scope each event is handled in.
/// </summary>
/// <remarks>
/// Live means the daemon runs in <see cref="ShardExecutionMode.Continuous"/> mode and the event is at most
/// <see cref="LiveWindow"/> old (<see cref="IEvent.Timestamp"/>, set by PostgreSQL when the event was stored) when its turn
/// comes. Marten reports a daemon that starts after downtime and works through a backlog, and <c>CatchUpAsync</c>, as
/// <see cref="ShardExecutionMode.Continuous"/>: the age is what tells catch-up from live. A live event's span follows from
/// its append (same trace, parented on the append span); any other starts a new trace with a <c>follows_from</c> link.
/// <para>
/// Metrics (the process scope's): each event counted as consumed and its handling's duration recorded, with the subscription
/// or projection name as the destination; its time in queue measured from <see cref="IEvent.Timestamp"/> when the daemon
/// runs live or catches up (the event really waited), not in a rebuild (its age is history).
/// </para>
/// </remarks>
internal sealed class EventProcessTracer
{
    /// <summary>
    /// Five minutes: a trace that spans longer than that is unreadable in a trace viewer (Jaeger draws the append and its
    /// handling minutes apart on one time line), and a daemon that far behind the append is catching up, not live.
    /// </summary>
    public static readonly TimeSpan DefaultLiveWindow = TimeSpan.FromMinutes(5);

    private const string System = "marten";
    private const string ProcessOperation = "process";

    private readonly MessagingTracer _tracer;
    private readonly string _component;
    private TimeSpan _liveWindow = DefaultLiveWindow;

    /// <param name="tracer">The tracer the process spans are started with.</param>
    /// <param name="component">Who uses it, named in the instrumentation faults reported.</param>
    public EventProcessTracer(MessagingTracer tracer, string component)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        _tracer = tracer;
        _component = component;
    }

    /// <summary>
    /// The age up to which an event a continuous daemon reaches is live; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, other than <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan LiveWindow
    {
        get => _liveWindow;
        set
        {
            if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The live window is a duration (zero or more), or Timeout.InfiniteTimeSpan for no limit.");
            }

            _liveWindow = value;
        }
    }

    /// <summary>Whether the event is delivered live: a continuous daemon, and the event no older than <see cref="LiveWindow"/>.</summary>
    public bool IsLive(ShardExecutionMode mode, IEvent storedEvent)
        => mode == ShardExecutionMode.Continuous
            && (_liveWindow == Timeout.InfiniteTimeSpan || DateTimeOffset.UtcNow - storedEvent.Timestamp <= _liveWindow);

    /// <summary>
    /// Runs <paramref name="handler"/> for one event inside a <c>process {name}</c> span (Consumer) restored from the event's
    /// stored headers, current in the handler; <see cref="IsLive"/> decides how it relates to the append. The handler's
    /// exception is recorded on the span and rethrown; an instrumentation fault is reported and the handler runs as it would
    /// untraced.
    /// </summary>
    public async Task ProcessAsync(
        IEvent storedEvent,
        IDocumentOperations operations,
        string name,
        ShardExecutionMode mode,
        Func<IEvent, IDocumentOperations, CancellationToken, Task> handler,
        CancellationToken cancellationToken)
    {
        Activity? ambient = Activity.Current;
        ProcessScope? scope = Open(storedEvent, name, mode, ambient);
        try
        {
            await handler(storedEvent, operations, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Reports an instrumentation fault; the caller goes on untraced.</summary>
    public void ReportFault(Exception exception) => MessagingTracingEventSource.Log.InstrumentationFailed(_component, exception);

    private ProcessScope? Open(IEvent storedEvent, string name, ShardExecutionMode mode, Activity? ambient)
    {
        try
        {
            bool live = IsLive(mode, storedEvent);
            if (live)
            {
                // FollowsFrom parents on the current span when there is one: the daemon's page span (Marten's execution
                // span) is set aside so a live process span sits in the append's trace. Close restores it.
                Activity.Current = null;
            }

            ProcessScope scope = _tracer.StartProcess(
                _tracer.Extract(storedEvent, EventHeadersCarrierAdapter.Instance),
                new MessagingOperation(System, MessagingOperationType.Process, ProcessOperation, name)
                {
                    // A rebuild's events are history; live and catch-up events really waited since they were stored.
                    MessageTimestamp = mode == ShardExecutionMode.Rebuild || storedEvent.Timestamp == default ? null : storedEvent.Timestamp,
                },
                live ? MessageRelationship.FollowsFrom : MessageRelationship.NewTrace,
                message: storedEvent);
            if (scope.Activity is { IsAllDataRequested: true } activity && !string.IsNullOrEmpty(storedEvent.CorrelationId))
            {
                activity.SetTag(MessagingAttributes.ConversationId, storedEvent.CorrelationId);
            }

            return scope;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ReportFault(ex);
            Activity.Current = ambient;
            return null;
        }
    }

    private void Record(ProcessScope? scope, Exception exception)
    {
        try
        {
            scope?.RecordException(exception);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ReportFault(ex);
        }
    }

    private void Close(ProcessScope? scope, Activity? ambient)
    {
        try
        {
            scope?.Dispose();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ReportFault(ex);
        }

        Activity.Current = ambient;
    }
}
