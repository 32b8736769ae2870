using System;
using System.Collections.Generic;
using System.Diagnostics;
using Messaging.Tracing.Kafka;
using Messaging.Tracing.Spans;

namespace EventSourcing.Telemetry;

/// <summary>
/// Decides from the collected spans whether all asynchronous work has finished: the traces themselves tell what is
/// still under way. A span is collected when it ends, and a handler's spans end before its process span does, so when
/// every producer span has its consumers' process spans — a command one, a Kafka message one per subscriber, a Marten
/// append one per subscription and event — and
/// every request's server span has ended, nothing is left in flight.
/// </summary>
public static class TraceSettlement
{
    /// <summary>Whether the work behind <paramref name="requests"/> HTTP requests has finished.</summary>
    /// <param name="spans">The spans collected so far.</param>
    /// <param name="requests">The number of HTTP requests made.</param>
    /// <param name="kafkaSubscribers">How many subscribers consume each Kafka message.</param>
    /// <param name="martenSubscriptions">How many subscriptions of Marten's daemon handle each appended event.</param>
    /// <returns>True when settled.</returns>
    public static bool IsSettled(IReadOnlyList<Activity> spans, int requests, int kafkaSubscribers, int martenSubscriptions = 0)
    {
        ArgumentNullException.ThrowIfNull(spans);
        int servers = 0;
        var expected = new Dictionary<(ActivityTraceId, ActivitySpanId), int>();
        var consumers = new Dictionary<(ActivityTraceId, ActivitySpanId), int>();
        foreach (Activity span in spans)
        {
            if (span.Kind == ActivityKind.Server && span.Source.Name == SampleTelemetry.AspNetCoreSourceName)
            {
                servers++;
            }
            else if (span.Source.Name == MessagingActivitySource.Name && span.Kind == ActivityKind.Producer
                && span.GetTagItem(MessagingAttributes.OperationName) is "send" or "publish")
            {
                expected[(span.TraceId, span.SpanId)] = span.GetTagItem(MessagingAttributes.System) as string == KafkaAttributes.SystemName ? kafkaSubscribers : 1;
            }
            else if (martenSubscriptions > 0 && span.Source.Name == MessagingActivitySource.Name && span.Kind == ActivityKind.Producer
                && span.GetTagItem(MessagingAttributes.OperationName) is "append" && span.GetTagItem(MessagingAttributes.System) is "marten")
            {
                // Each subscription handles each event of the append in a process span that follows from it.
                int events = span.GetTagItem(MessagingAttributes.BatchMessageCount) is int count ? count : 1;
                expected[(span.TraceId, span.SpanId)] = martenSubscriptions * events;
            }
            else if (span.Kind == ActivityKind.Consumer)
            {
                CountConsumer(span, consumers);
            }
        }

        if (servers < requests)
        {
            return false;
        }

        foreach (KeyValuePair<(ActivityTraceId, ActivitySpanId), int> producer in expected)
        {
            if (producer.Value > 0 && (!consumers.TryGetValue(producer.Key, out int count) || count < producer.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Counts the consumer once for its producer: its parent, or the target of its <c>follows_from</c> link.</summary>
    private static void CountConsumer(Activity span, Dictionary<(ActivityTraceId, ActivitySpanId), int> consumers)
    {
        (ActivityTraceId, ActivitySpanId)? counted = null;
        if (span.ParentSpanId != default)
        {
            counted = (span.TraceId, span.ParentSpanId);
            consumers[counted.Value] = consumers.GetValueOrDefault(counted.Value) + 1;
        }

        foreach (ActivityLink link in span.Links)
        {
            (ActivityTraceId, ActivitySpanId) target = (link.Context.TraceId, link.Context.SpanId);
            if (target != counted && SpanLinks.IsFollowsFrom(link))
            {
                consumers[target] = consumers.GetValueOrDefault(target) + 1;
            }
        }
    }
}
