using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Messaging.Tracing.Instruments;
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
    // Boxed, and only when something listens to the meter: a measurement holds a copy of its operation, which would
    // otherwise grow every scope — measured or not — by about 100 bytes.
    private readonly StrongBox<MessagingMeasurement>? _measurement;
    private string? _errorType;
    private bool _disposed;

    internal ProcessScope(Activity? activity, Activity? previousActivity, Baggage previousBaggage, MessagingMeasurement measurement)
    {
        Activity = activity;
        _previousActivity = previousActivity;
        _previousBaggage = previousBaggage;
        _measurement = measurement.IsRecording ? new StrongBox<MessagingMeasurement>(measurement) : null;
    }

    /// <summary>Gets the process span; <see langword="null"/> when there was nothing to record or carry.</summary>
    public Activity? Activity { get; }

    /// <summary>
    /// Records a handler failure on the span (exception event, <c>error.type</c> = the exception's full type name, status
    /// Error) and as the <c>error.type</c> of the processing's duration.
    /// </summary>
    /// <param name="exception">The failure; the caller rethrows it.</param>
    public void RecordException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        RecordException(exception, MessagingSpanExtensions.ErrorTypeOf(exception));
    }

    /// <summary>
    /// Records a handler failure with a transport's own low-cardinality <c>error.type</c> (a broker's error code, say)
    /// on the span and on the processing's duration.
    /// </summary>
    /// <param name="exception">The failure; the caller rethrows it.</param>
    /// <param name="errorType">The <c>error.type</c> value.</param>
    public void RecordException(Exception exception, string errorType)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentException.ThrowIfNullOrEmpty(errorType);
        _errorType = errorType;
        Activity.RecordMessagingException(exception, errorType);
    }

    /// <summary>
    /// Stops the span, records the processing's duration (<see cref="MessagingMeter.ProcessDuration"/>) and restores the
    /// previous <see cref="Activity.Current"/> and <see cref="Baggage.Current"/>.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Activity?.StopReportingFaults();
        _measurement?.Value.Complete(_errorType);
        Activity.Current = _previousActivity;

        // As when the scope opened: a write only when there is baggage to restore or to clear.
        if (_previousBaggage.Count != 0 || Baggage.Current.Count != 0)
        {
            Baggage.Current = _previousBaggage;
        }
    }
}
