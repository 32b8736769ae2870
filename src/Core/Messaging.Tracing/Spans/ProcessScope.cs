using System;
using System.Diagnostics;
using OpenTelemetry;

namespace Messaging.Tracing.Spans;

/// <summary>
/// The context a consumer's handler runs in: while the scope is open, <see cref="Activity.Current"/> is the
/// process span (or, when nothing records it, a light span that still carries the producer's trace onward)
/// and <see cref="Baggage.Current"/> is the message's baggage. Disposing stops the span and restores the
/// context that was current before, whatever the handler did.
/// </summary>
/// <remarks>Create it with <see cref="MessagingTracer.StartProcess"/>; dispose it on the flow that created it.</remarks>
public sealed class ProcessScope : IDisposable
{
    private readonly Activity? _previousActivity;
    private readonly Baggage _previousBaggage;
    private bool _disposed;

    internal ProcessScope(Activity? activity, Activity? previousActivity, Baggage previousBaggage)
    {
        Activity = activity;
        _previousActivity = previousActivity;
        _previousBaggage = previousBaggage;
    }

    /// <summary>Gets the process span; <see langword="null"/> when there was nothing to record or carry.</summary>
    public Activity? Activity { get; }

    /// <summary>Records a handler failure on the span (exception event, <c>error.type</c>, status Error).</summary>
    /// <param name="exception">The failure; the caller rethrows it.</param>
    public void RecordException(Exception exception) => Activity.RecordMessagingException(exception);

    /// <summary>Stops the span and restores the previous <see cref="Activity.Current"/> and <see cref="Baggage.Current"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Activity?.StopReportingFaults();
        Activity.Current = _previousActivity;

        // As when the scope opened: a write only when there is baggage to restore or to clear.
        if (_previousBaggage.Count != 0 || Baggage.Current.Count != 0)
        {
            Baggage.Current = _previousBaggage;
        }
    }
}
