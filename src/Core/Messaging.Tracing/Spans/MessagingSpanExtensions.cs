using System;
using System.Diagnostics;

namespace Messaging.Tracing.Spans;

/// <summary>Error recording as the OpenTelemetry conventions ask.</summary>
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
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(MessagingAttributes.ErrorType, exception.GetType().FullName);
            activity.AddException(exception);
        }
    }
}
