using System;
using System.Diagnostics;
using Messaging.Tracing.Diagnostics;

namespace Messaging.Tracing.Spans;

/// <summary>Error recording as the OpenTelemetry conventions ask, and stopping a span from another flow.</summary>
public static class MessagingSpanExtensions
{
    /// <summary>
    /// Records a failure on the span: an <c>exception</c> event, <c>error.type</c> (the exception's full type
    /// name) and status Error with the exception's message. Does nothing when <paramref name="activity"/> is null.
    /// </summary>
    /// <param name="activity">The span; may be <see langword="null"/> when nothing was recorded.</param>
    /// <param name="exception">The failure.</param>
    public static void RecordMessagingException(this Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        activity.RecordMessagingException(exception, ErrorTypeOf(exception));
    }

    /// <summary>
    /// Records a failure on the span with a transport's own low-cardinality <c>error.type</c> (a broker's error code, say):
    /// an <c>exception</c> event, that <c>error.type</c> and status Error. Does nothing when <paramref name="activity"/> is null.
    /// </summary>
    /// <param name="activity">The span; may be <see langword="null"/> when nothing was recorded.</param>
    /// <param name="exception">The failure.</param>
    /// <param name="errorType">The <c>error.type</c> value.</param>
    public static void RecordMessagingException(this Activity? activity, Exception exception, string errorType)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentException.ThrowIfNullOrEmpty(errorType);
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(MessagingAttributes.ErrorType, errorType);
            activity.AddException(exception);
        }
    }

    /// <summary>The <c>error.type</c> of an exception on spans and metrics: its full type name.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The full type name (the name for a type without one).</returns>
    public static string ErrorTypeOf(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Type type = exception.GetType();
        return type.FullName ?? type.Name;
    }

    /// <summary>
    /// Stops a span that ends away from where it started (a delivery-report thread, a later observer callback) without
    /// changing the calling flow's <see cref="Activity.Current"/>, which <see cref="Activity.Stop"/> would otherwise set
    /// to the span's parent.
    /// </summary>
    /// <param name="activity">The span.</param>
    public static void StopKeepingCurrent(this Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        Activity? current = Activity.Current;
        activity.StopReportingFaults();
        if (current != activity)
        {
            Activity.Current = current;
        }
    }

    /// <summary>
    /// Stops a span; an <see cref="ActivityListener"/> (an OpenTelemetry processor's <c>OnEnd</c>) that throws is
    /// reported through <see cref="MessagingTracingEventSource.InstrumentationFailed(string, Exception)"/> instead of failing the message,
    /// and <see cref="Activity.Current"/> is moved off the span as <see cref="Activity.Stop"/> would have done.
    /// </summary>
    /// <param name="activity">The span; nothing happens when <see langword="null"/>.</param>
    public static void StopReportingFaults(this Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        try
        {
            activity.Stop();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Activity.Stop notifies the listeners before it restores the previous span.
            if (Activity.Current == activity)
            {
                Activity.Current = activity.Parent;
            }

            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(Activity.Stop), ex);
        }
    }
}
