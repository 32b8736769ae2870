using System;
using System.Diagnostics.Tracing;

namespace Messaging.Tracing.Diagnostics;

/// <summary>
/// Self-diagnostics of Messaging.Tracing: dropped or malformed context and faults inside the
/// instrumentation. Listen with <c>dotnet-trace</c>/<c>dotnet-counters</c> or an <see cref="EventListener"/>
/// on the source named <see cref="SourceName"/>. Header values are never logged, only their length.
/// </summary>
[EventSource(Name = SourceName)]
public sealed class MessagingTracingEventSource : EventSource
{
    /// <summary>The event source name.</summary>
    public const string SourceName = "Messaging-Tracing";

    private const int MalformedHeaderEventId = 1;
    private const int InjectFailedEventId = 2;
    private const int ExtractFailedEventId = 3;
    private const int CallbackFailedEventId = 4;
    private const int NullCarrierEventId = 5;
    private const int InstrumentationFailedEventId = 6;
    private const int MetricDestinationLimitReachedEventId = 7;

    private MessagingTracingEventSource()
    {
    }

    /// <summary>Gets the single instance.</summary>
    public static MessagingTracingEventSource Log { get; } = new();

    /// <summary>
    /// A header was present but invalid, whole or in part: a <c>traceparent</c> is then ignored; of a <c>tracestate</c>
    /// or <c>baggage</c> the members that can be kept are kept, and the others ignored.
    /// </summary>
    /// <param name="header">The header name.</param>
    /// <param name="length">The value's length in bytes or characters.</param>
    [Event(MalformedHeaderEventId, Level = EventLevel.Warning, Message = "Ignored what is malformed in the '{0}' header ({1} long); the message continues without it.")]
    public void MalformedHeader(string header, int length)
    {
        if (IsEnabled(EventLevel.Warning, EventKeywords.All))
        {
            WriteEvent(MalformedHeaderEventId, header, length);
        }
    }

    /// <summary>
    /// The metrics met more distinct destination names than they carry; measurements of further ones carry no
    /// destination. Written once per process.
    /// </summary>
    /// <param name="limit">How many destination names the metrics carry.</param>
    [Event(MetricDestinationLimitReachedEventId, Level = EventLevel.Warning, Message = "The metrics carry at most {0} destination names; measurements of further destinations carry none. Give per-entity destinations a template.")]
    public void MetricDestinationLimitReached(int limit)
    {
        if (IsEnabled(EventLevel.Warning, EventKeywords.All))
        {
            WriteEvent(MetricDestinationLimitReachedEventId, limit);
        }
    }

    /// <summary>A carrier was null.</summary>
    /// <param name="operation">Inject or Extract.</param>
    [Event(NullCarrierEventId, Level = EventLevel.Warning, Message = "{0} was given a null carrier or adapter; nothing was propagated.")]
    public void NullCarrier(string operation)
    {
        if (IsEnabled(EventLevel.Warning, EventKeywords.All))
        {
            WriteEvent(NullCarrierEventId, operation);
        }
    }

    /// <summary>Injection failed; the message is sent without (complete) trace headers.</summary>
    /// <param name="exception">The fault.</param>
    [NonEvent]
    public void InjectFailed(Exception exception)
    {
        if (IsEnabled(EventLevel.Error, EventKeywords.All))
        {
            InjectFailed(exception.ToString());
        }
    }

    /// <summary>Extraction failed; the message is processed with no context.</summary>
    /// <param name="exception">The fault.</param>
    [NonEvent]
    public void ExtractFailed(Exception exception)
    {
        if (IsEnabled(EventLevel.Error, EventKeywords.All))
        {
            ExtractFailed(exception.ToString());
        }
    }

    /// <summary>An application callback (enrichment, filter) threw; tracing went on without it.</summary>
    /// <param name="callback">Which callback.</param>
    /// <param name="exception">The fault.</param>
    [NonEvent]
    public void CallbackFailed(string callback, Exception exception)
    {
        if (IsEnabled(EventLevel.Error, EventKeywords.All))
        {
            CallbackFailed(callback, exception.ToString());
        }
    }

    /// <summary>Instrumentation around a message failed; the message went on untraced.</summary>
    /// <param name="where">Where it failed.</param>
    /// <param name="exception">The fault.</param>
    [NonEvent]
    public void InstrumentationFailed(string where, Exception exception)
    {
        if (IsEnabled(EventLevel.Error, EventKeywords.All))
        {
            InstrumentationFailed(where, exception.ToString());
        }
    }

    [Event(InjectFailedEventId, Level = EventLevel.Error, Message = "Injecting trace context failed; the message is sent without it: {0}")]
    private void InjectFailed(string exception) => WriteEvent(InjectFailedEventId, exception);

    [Event(ExtractFailedEventId, Level = EventLevel.Error, Message = "Extracting trace context failed; the message is processed without it: {0}")]
    private void ExtractFailed(string exception) => WriteEvent(ExtractFailedEventId, exception);

    [Event(CallbackFailedEventId, Level = EventLevel.Error, Message = "The {0} callback threw; tracing went on without it: {1}")]
    private void CallbackFailed(string callback, string exception) => WriteEvent(CallbackFailedEventId, callback, exception);

    [Event(InstrumentationFailedEventId, Level = EventLevel.Error, Message = "Instrumentation failed in {0}; the message went on untraced: {1}")]
    private void InstrumentationFailed(string where, string exception) => WriteEvent(InstrumentationFailedEventId, where, exception);
}
