using System;
using System.Diagnostics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Events;

/// <summary>
/// One append of events to a stream, from <see cref="EventTracer.StartAppend"/>: its <c>append</c> span (Producer kind),
/// current until the scope is disposed, and its measurement — disposing ends both.
/// </summary>
/// <remarks>
/// The measurement is a send (<see cref="MessagingMeasurement"/>): on <see cref="Dispose"/>,
/// <c>messaging.client.operation.duration</c> and <c>messaging.client.sent.messages</c> += the events appended, with the
/// stream type as <c>messaging.destination.template</c> (never the per-aggregate stream name), and the <c>error.type</c> of
/// <see cref="RecordException(Exception)"/> when the append failed. It is recorded whether or not the span is sampled.
/// </remarks>
public sealed class AppendScope : IDisposable
{
    private readonly MessagingMeasurement _measurement;
    private string? _errorType;
    private bool _disposed;

    internal AppendScope(Activity? activity, MessagingMeasurement measurement)
    {
        Activity = activity;
        _measurement = measurement;
    }

    /// <summary>Gets the append span, whose context <see cref="EventTracer.Write"/> stores; <see langword="null"/> when nothing listens.</summary>
    public Activity? Activity { get; }

    /// <summary>Records a failed append (exception event, <c>error.type</c> = the exception's full type name, status Error) on the span and the measurement.</summary>
    /// <param name="exception">The failure; the caller rethrows it.</param>
    public void RecordException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        RecordException(exception, MessagingSpanExtensions.ErrorTypeOf(exception));
    }

    /// <summary>Records a failed append with the event store's own low-cardinality <c>error.type</c> (a wrong expected version, say).</summary>
    /// <param name="exception">The failure; the caller rethrows it.</param>
    /// <param name="errorType">The <c>error.type</c> value.</param>
    public void RecordException(Exception exception, string errorType)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentException.ThrowIfNullOrEmpty(errorType);
        _errorType = errorType;
        Activity.RecordMessagingException(exception, errorType);
    }

    /// <summary>Ends the span (the previous span becomes current again) and records the append's measurement, once.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Activity.StopReportingFaults();
        _measurement.Complete(_errorType);
    }
}
