using System;
using System.Diagnostics;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using RabbitMQ.Client;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>Opens the process scope of a delivery; shared by the traced consumer and the per-delivery extension.</summary>
/// <remarks>
/// <para><b>RabbitMQ.Client's deliver span is bridged.</b> When its <c>RabbitMQ.Client.Subscriber</c> source is listened,
/// RabbitMQ.Client runs every consumer callback inside its own <c>deliver</c> span (Consumer kind), started before any of
/// this library's code runs. A second process span would give a delivery two consumer spans, so that span becomes the
/// process span: it is renamed <c>process {exchange}:{routing key}:{queue}</c> and given the attributes and the
/// enrichment (<see cref="MessagingTracingOptions.EnrichProcessSpan"/>) of this library's process span, the message's
/// baggage is current while the handler runs, a handler exception is recorded on it, and a <c>follows_from</c> link to the
/// producer is added unless the span is already the producer's child or already links it (RabbitMQ.Client links the
/// context it reads, without the <c>opentracing.ref_type</c> attribute).</para>
/// <para><b>Where the span sits is RabbitMQ.Client's choice</b> (its static <c>RabbitMQActivitySource.TracingOptions</c>,
/// which belong to the application and are never changed here): with <c>UsePublisherAsParent</c> true (RabbitMQ.Client 7.2's
/// default) it is the producer's child, which is what ChildOf and FollowsFrom ask for; with false, and always on
/// RabbitMQ.Client 7.1, it starts a new trace with a plain link to the producer. A started span cannot be re-parented, so a
/// ChildOf or FollowsFrom consumer then gets that: a new trace per message, linked to the producer.</para>
/// <para><b>A deliver span blind to the producer is not bridged.</b> When RabbitMQ.Client could not read the producer's
/// context that this library read (its own reader skips AMQP byte arrays, which Java and Python producers write), its deliver
/// span is a new trace that neither continues nor links the producer; bridging it would break the producer's story. The deliver
/// span is then set aside, as for the trust boundary below, and this library's own process span, placed as the relationship
/// asks, is the one the handler runs in: that message has two consumer spans, and the story stays whole.</para>
/// <para><b>Trust boundary.</b> A NewTrace consumer, or an untrusted sender (every untrusted message is NewTrace), must never
/// run its handler in the sender's trace. The deliver span is then bridged only when it is a root; when it has a parent (the
/// producer, with <c>UsePublisherAsParent</c> true), it is set aside and this library's own process span, a new root, is the
/// one the handler runs in. RabbitMQ.Client's span then stays where RabbitMQ.Client put it: that message has two consumer
/// spans, and only ours is the handler's.</para>
/// </remarks>
internal static class RabbitMqProcessing
{
    private const string ProcessOperation = "process";

    /// <summary>The header in which RabbitMQ's <c>set_header_timestamp</c> message interceptor writes the broker's time in milliseconds.</summary>
    private const string TimestampInMsHeader = "timestamp_in_ms";

    /// <summary>The last millisecond <see cref="DateTimeOffset"/> can hold (9999-12-31).</summary>
    private const long MaxUnixTimeMilliseconds = 253_402_300_799_999;

    /// <summary>
    /// Opens the <c>process {exchange}:{routing key}:{queue}</c> scope, related to the producer found in the headers.
    /// Never throws: a fault is reported and the delivery is handled without a span.
    /// </summary>
    public static DeliveryScope Open(
        MessagingTracer tracer,
        RabbitMqTracingOptions? options,
        string queue,
        string exchange,
        string routingKey,
        ulong deliveryTag,
        IReadOnlyBasicProperties? properties,
        int bodySize,
        MessageRelationship? relationship,
        object? message)
    {
        if (options is not null && !options.TracesDelivery(exchange, queue))
        {
            return default;
        }

        Activity? current = Activity.Current;
        Activity? setAside = null;
        ProcessScope? scope = null;
        try
        {
            PropagationContext incoming = properties?.Headers is { } headers
                ? tracer.Extract(headers, RabbitMqHeadersCarrierAdapter.Instance)
                : default;
            bool trusted = options?.TrustIncomingContext ?? tracer.Options.TrustIncomingContext;
            MessageRelationship policy = trusted
                ? relationship ?? options?.Relationship ?? tracer.Options.DefaultRelationship
                : MessageRelationship.NewTrace;
            var operation = new MessagingOperation(RabbitMqAttributes.SystemName, MessagingOperationType.Process, ProcessOperation, RabbitMqSpanTags.Destination(exchange, routingKey, queue))
            {
                DestinationTemplate = RabbitMqSpanTags.Template(exchange, routingKey, queue, options?.RoutingKeyInMetrics ?? true),
                MessageTimestamp = MessageTimestamp(properties),
            };
            if (current is not null && RabbitMqClientInstrumentation.IsDeliverSpan(current, deliveryTag))
            {
                if (policy == MessageRelationship.NewTrace ? current.ParentSpanId == default : !MissedTheProducer(current, incoming.ActivityContext))
                {
                    return Bridge(current, tracer, incoming, trusted, operation, routingKey, deliveryTag, properties, bodySize, options?.ClientId, message);
                }

                // Not bridgeable: the handler runs in this library's own process span, which must not sit under the deliver span.
                setAside = current;
                Activity.Current = null;
            }

            // A span that has ended is not ambient, since FollowsFrom would parent the process span on it: a channel's
            // consumer dispatcher starts with the channel and keeps the Activity.Current of that moment. The nearest
            // running span around it, if any, is ambient.
            if (current is { IsStopped: true })
            {
                Activity.Current = RunningAncestor(current);
            }

            scope = tracer.StartProcess(incoming, operation, policy, trusted, message);
            RabbitMqSpanTags.SetMessage(scope.Activity, routingKey, properties, bodySize, options?.ClientId);
            RabbitMqSpanTags.SetDeliveryTag(scope.Activity, deliveryTag);
            return DeliveryScope.Own(scope, setAside);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(RabbitMqProcessing), ex);
            scope?.Dispose();
            if (setAside is not null)
            {
                Activity.Current = setAside;
            }

            return default;
        }
    }

    /// <summary>Makes RabbitMQ.Client's running <c>deliver</c> span the process span (see the remarks of the class).</summary>
    private static DeliveryScope Bridge(
        Activity deliver,
        MessagingTracer tracer,
        in PropagationContext incoming,
        bool trusted,
        in MessagingOperation operation,
        string routingKey,
        ulong deliveryTag,
        IReadOnlyBasicProperties? properties,
        int bodySize,
        string? clientId,
        object? message)
    {
        if (deliver.IsAllDataRequested)
        {
            ActivityContext producer = incoming.ActivityContext;
            if (IsValid(producer) && (trusted || tracer.Options.LinkUntrustedContext) && !IsChildOf(deliver, producer) && !Links(deliver, producer))
            {
                deliver.AddLink(FollowsFromLink.To(producer));
            }

            tracer.DescribeBridgedProcess(deliver, operation, message);
            RabbitMqSpanTags.SetMessage(deliver, routingKey, properties, bodySize, clientId);
            RabbitMqSpanTags.SetDeliveryTag(deliver, deliveryTag);
        }

        // As for this library's own process span: only a trusted sender's baggage is the handler's.
        Baggage previous = Baggage.Current;
        Baggage baggage = trusted ? incoming.Baggage : default;
        if (baggage.Count != 0 || previous.Count != 0)
        {
            Baggage.Current = baggage;
        }

        // RabbitMQ.Client's span is not measured by anyone else: one measurement per delivery, as there is one process span.
        return DeliveryScope.Bridged(deliver, previous, MessagingMeasurement.Start(operation));
    }

    /// <summary>
    /// The message's own timestamp: the <c>timestamp_in_ms</c> header (milliseconds; RabbitMQ 3.12 and later set it with the
    /// <c>set_header_timestamp</c> message interceptor) when present and well-formed, else the AMQP <c>timestamp</c> property
    /// (seconds, set by the producer — or by that interceptor), else none.
    /// </summary>
    private static DateTimeOffset? MessageTimestamp(IReadOnlyBasicProperties? properties)
    {
        if (properties is null)
        {
            return null;
        }

        if (properties.Headers is { } headers
            && headers.TryGetValue(TimestampInMsHeader, out object? value)
            && value is long milliseconds
            && milliseconds is > 0 and <= MaxUnixTimeMilliseconds)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        }

        if (properties.IsTimestampPresent() && properties.Timestamp.UnixTime is > 0 and <= MaxUnixTimeMilliseconds / 1000)
        {
            return DateTimeOffset.FromUnixTimeSeconds(properties.Timestamp.UnixTime);
        }

        return null;
    }

    private static bool IsValid(in ActivityContext context) => context.TraceId != default && context.SpanId != default;

    /// <summary>
    /// Whether RabbitMQ.Client's deliver span started a new trace knowing nothing of a producer this library did read: neither
    /// the producer's child nor linked to it (RabbitMQ.Client reads only header values it receives as byte arrays or strings;
    /// an AMQP byte array from a Java or Python producer arrives as a <c>BinaryTableValue</c>, which it does not read).
    /// </summary>
    private static bool MissedTheProducer(Activity deliver, in ActivityContext producer)
        => IsValid(producer) && deliver.TraceId != producer.TraceId && !Links(deliver, producer);

    private static bool IsChildOf(Activity activity, in ActivityContext parent)
        => activity.TraceId == parent.TraceId && activity.ParentSpanId == parent.SpanId;

    private static bool Links(Activity activity, in ActivityContext target)
    {
        foreach (ActivityLink link in activity.Links)
        {
            if (link.Context.TraceId == target.TraceId && link.Context.SpanId == target.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The nearest ancestor still running; a stopped span cannot be made current.</summary>
    private static Activity? RunningAncestor(Activity activity)
    {
        Activity? ancestor = activity.Parent;
        while (ancestor is { IsStopped: true })
        {
            ancestor = ancestor.Parent;
        }

        return ancestor;
    }
}
