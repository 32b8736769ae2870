using System;
using System.Diagnostics;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Spans;
using OpenTelemetry.Context.Propagation;
using RabbitMQ.Client;

namespace Messaging.Tracing.RabbitMQ;

/// <summary>Opens the process scope of a delivery; shared by the traced consumer and the per-delivery extension.</summary>
internal static class RabbitMqProcessing
{
    private const string ProcessOperation = "process";

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

        // Two current spans are not ambient, since FollowsFrom would parent the process span on them and cut it off from
        // the producer's trace: RabbitMQ.Client's deliver span (a link-only root of its own trace), and a span that has
        // ended — a channel's consumer dispatcher starts with the channel and keeps the Activity.Current of that moment.
        // The nearest running span around them, if any, is ambient.
        Activity? current = Activity.Current;
        Activity? setAside = current is not null && (current.IsStopped || RabbitMqClientInstrumentation.IsDeliverSpan(current)) ? current : null;
        if (setAside is not null)
        {
            Activity.Current = RunningAncestor(setAside);
        }

        ProcessScope? scope = null;
        try
        {
            PropagationContext incoming = properties?.Headers is { } headers
                ? tracer.Extract(headers, RabbitMqHeadersCarrierAdapter.Instance)
                : default;
            var operation = new MessagingOperation(RabbitMqAttributes.SystemName, MessagingOperationType.Process, ProcessOperation, RabbitMqSpanTags.Destination(exchange, routingKey, queue));
            scope = tracer.StartProcess(incoming, operation, relationship ?? options?.Relationship, options?.TrustIncomingContext, message);
            RabbitMqSpanTags.SetMessage(scope.Activity, routingKey, properties, bodySize, options?.ClientId);
            RabbitMqSpanTags.SetDeliveryTag(scope.Activity, deliveryTag);
            return new DeliveryScope(scope, setAside);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(RabbitMqProcessing), ex);
            new DeliveryScope(scope, setAside).Dispose();
            return default;
        }
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
