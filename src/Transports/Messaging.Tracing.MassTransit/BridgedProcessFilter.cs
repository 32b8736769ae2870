using System;
using System.Diagnostics;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Diagnostics;

namespace Messaging.Tracing.MassTransit;

/// <summary>
/// Runs inside MassTransit's consumer span (<c>{queue} process</c>, started around each consumer) and, when the consume
/// filter bridged the delivery, makes that span the process span: named <c>process {endpoint}</c>, with the convention
/// attributes, the message attributes and <see cref="MessagingTracingOptions.EnrichProcessSpan"/> (which receives the
/// consumer's <see cref="ConsumeContext{T}"/>), as in replace mode. MassTransit's own attributes stay.
/// </summary>
/// <typeparam name="TConsumer">The consumer type.</typeparam>
/// <typeparam name="TMessage">The message type.</typeparam>
internal sealed class BridgedProcessFilter<TConsumer, TMessage>(MessagingTracer tracer) : IFilter<ConsumerConsumeContext<TConsumer, TMessage>>
    where TConsumer : class
    where TMessage : class
{
    public Task Send(ConsumerConsumeContext<TConsumer, TMessage> context, IPipe<ConsumerConsumeContext<TConsumer, TMessage>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            // MassTransit's consumer span, under the receive span the consume filter bridged (not that receive span itself,
            // current when the consumer span was not started).
            if (context.TryGetPayload(out BridgedDelivery? delivery)
                && delivery.Receive is { } receive
                && Activity.Current is { Kind: ActivityKind.Consumer, IsStopped: false } span
                && span != receive
                && span.Source.Name == MassTransitAttributes.MassTransitSourceName)
            {
                tracer.DescribeBridgedProcess(span, MassTransitOperations.Process(context.ReceiveContext.InputAddress), context);
                MessagingTracingConsumeFilter.DescribeMessage(span, context);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(BridgedProcessFilter<TConsumer, TMessage>), ex);
        }

        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("messagingTracingBridgedProcess");
}
