using System;
using System.Diagnostics;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.MassTransit;

/// <summary>
/// Gives every sent and published message one producer span (<c>send {queue}</c>, <c>publish {exchange}</c>) and
/// writes that span's context as W3C headers.
/// </summary>
/// <remarks>
/// <para>It observes the send transport because MassTransit runs send filters before its own send span starts:
/// <see cref="PreSend"/> is the first point where the real producer span can be current.</para>
/// <para>When MassTransit's own <c>MassTransit</c> source is listened, its send span is the producer span (bridged):
/// this observer writes its context as <c>traceparent</c>/<c>tracestate</c> next to MassTransit's <c>MT-Activity-Id</c>,
/// adds the message's baggage, names the span <c>send {queue}</c> or <c>publish {exchange}</c> as in replace mode, gives it
/// the convention attributes (<c>messaging.system</c> and <c>messaging.destination.name</c> take this library's values, the
/// same for RabbitMQ) and runs <see cref="MessagingTracingOptions.EnrichProducerSpan"/> on it, and starts nothing. MassTransit's
/// other attributes stay. Otherwise it starts its own
/// <c>send {destination}</c> span, current while the transport sends (a transport span such as RabbitMQ.Client's AMQP
/// <c>publish</c> is its child) and ended in <see cref="PostSend"/> or <see cref="SendFault"/>, and also writes its id as
/// <c>MT-Activity-Id</c> so consumers that use MassTransit's own instrumentation continue the same trace.</para>
/// </remarks>
public sealed class MessagingTracingSendObserver : ISendObserver, IPublishObserver
{
    private readonly MessagingTracer _tracer;

    /// <summary>Initializes a new instance of the <see cref="MessagingTracingSendObserver"/> class.</summary>
    /// <param name="tracer">The tracer.</param>
    public MessagingTracingSendObserver(MessagingTracer tracer)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        _tracer = tracer;
    }

    /// <inheritdoc/>
    public Task PreSend<T>(SendContext<T> context)
        where T : class => Start(context, "send");

    /// <inheritdoc/>
    public Task PostSend<T>(SendContext<T> context)
        where T : class => End(context, exception: null);

    /// <inheritdoc/>
    public Task SendFault<T>(SendContext<T> context, Exception exception)
        where T : class => End(context, exception);

    /// <inheritdoc/>
    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Start(context, "publish");

    /// <inheritdoc/>
    public Task PostPublish<T>(PublishContext<T> context)
        where T : class => End(context, exception: null);

    /// <inheritdoc/>
    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class => End(context, exception);

    private Task Start(SendContext context, string operationName)
    {
        try
        {
            MessagingOperation operation = MassTransitOperations.Send(context.DestinationAddress, operationName);
            Activity? current = Activity.Current;
            if (current is { Kind: ActivityKind.Producer, IsStopped: false } && current.Source.Name == MassTransitAttributes.MassTransitSourceName)
            {
                _tracer.DescribeBridgedProducer(current, operation, context);
                Describe(current, context);
                _tracer.Inject(current, context.Headers, MassTransitHeadersCarrierAdapter.Instance);
                Keep(context, span: null, MessagingMeasurement.Start(operation));
                return Task.CompletedTask;
            }

            // The span stays current until PostSend or SendFault, so the transport's own spans (RabbitMQ.Client's AMQP
            // publish span) are its children, as they are of MassTransit's send span. MassTransit calls the observers from
            // the async method that sends, so the span does not outlive that method as the sender's current span.
            Activity? span = _tracer.StartProducer(operation, context);
            Keep(context, span, MessagingMeasurement.Start(operation));
            if (span is not null)
            {
                context.Headers.Set(PropagationHeaderNames.MassTransitActivityId, span.Id);
            }

            Describe(span, context);
            _tracer.Inject(span, context.Headers, MassTransitHeadersCarrierAdapter.Instance);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(MessagingTracingSendObserver), ex);
        }

        return Task.CompletedTask;
    }

    /// <summary>Keeps what <see cref="End"/> completes on the send context; nothing (no allocation) when there is nothing to complete.</summary>
    private static void Keep(SendContext context, Activity? span, MessagingMeasurement measurement)
    {
        if (span is not null || measurement.IsRecording)
        {
            SendSpan payload = context.GetOrAddPayload(static () => new SendSpan());
            payload.Activity = span;
            payload.Measurement = measurement;
        }
    }

    private static Task End(SendContext context, Exception? exception)
    {
        if (!context.TryGetPayload(out SendSpan? payload))
        {
            return Task.CompletedTask;
        }

        // Taken once: the send's measurement and our span end here, whichever callback comes.
        MessagingMeasurement measurement = payload.Measurement;
        Activity? span = payload.Activity;
        payload.Measurement = default;
        payload.Activity = null;
        measurement.Complete(exception is null ? null : MessagingSpanExtensions.ErrorTypeOf(exception));
        if (span is null)
        {
            return Task.CompletedTask;
        }

        if (exception is not null)
        {
            span.RecordMessagingException(exception);
        }

        // Stopping makes the span's parent current again, unless the span is no longer current.
        span.StopKeepingCurrent();

        return Task.CompletedTask;
    }

    private static void Describe(Activity? activity, SendContext context)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        if (context.MessageId is { } messageId)
        {
            activity.SetTag(MessagingAttributes.MessageId, messageId.ToString("D"));
        }

        if (context.ConversationId is { } conversationId)
        {
            activity.SetTag(MessagingAttributes.ConversationId, conversationId.ToString("D"));
        }
    }

    /// <summary>The producer span this observer started for one send (none when MassTransit's is bridged), and its measurement.</summary>
    private sealed class SendSpan
    {
        public Activity? Activity { get; set; }

        public MessagingMeasurement Measurement { get; set; }
    }
}
