using System;
using System.Diagnostics;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace Messaging.Tracing.MassTransit;

/// <summary>
/// Restores the producer's context for every consumed message — <c>traceparent</c> first, <c>MT-Activity-Id</c> when
/// only that is present; the envelope's headers first, then the transport's — and runs the rest of the consume pipe inside the process span, related to the producer
/// by the relationship policy.
/// </summary>
/// <remarks>
/// <para>When MassTransit's own source is listened and its receive span already continues the producer's trace, that
/// span and MassTransit's consumer span are the story (bridged): this filter adds the <c>follows_from</c> link for
/// FollowsFrom to the receive span, makes the message's baggage current, marks the delivery bridged, and starts nothing;
/// the span MassTransit then starts for each consumer becomes the process span — named <c>process {endpoint}</c>, with the
/// convention attributes and <see cref="MessagingTracingOptions.EnrichProcessSpan"/> — through the consumer filter
/// <c>UseMessagingTracing</c> adds to every consumer's pipe. Otherwise (MassTransit's source not
/// listened, a producer MassTransit could not read, or a new trace asked for) it starts its own
/// <c>process {endpoint}</c> span. A transport span around it (MassTransit's receive span, RabbitMQ.Client's deliver
/// span) is its parent only when it continues the producer's trace; one that starts a trace of its own (MassTransit's
/// receive span for a foreign producer, which writes no <c>MT-Activity-Id</c>) is set aside and, when it has no link,
/// given a <c>follows_from</c> link to the producer, so it is no stray trace.</para>
/// <para>Consumer exceptions are recorded and rethrown, so retry, redelivery and the <c>_error</c> queue work as
/// configured; the retry attempt and redelivery count are recorded.</para>
/// </remarks>
public sealed class MessagingTracingConsumeFilter : IFilter<ConsumeContext>
{
    private readonly MessagingTracer _tracer;
    private readonly MassTransitTracingOptions _options;

    /// <summary>Initializes a new instance of the <see cref="MessagingTracingConsumeFilter"/> class.</summary>
    /// <param name="tracer">The tracer.</param>
    /// <param name="options">The options.</param>
    public MessagingTracingConsumeFilter(MessagingTracer tracer, MassTransitTracingOptions options)
    {
        ArgumentNullException.ThrowIfNull(tracer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _tracer = tracer;
        _options = options;
    }

    /// <inheritdoc/>
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Activity? current = Activity.Current;
        PropagationContext incoming = default;
        MessageRelationship relationship = MessageRelationship.FollowsFrom;
        bool trusted = false;
        bool started = false;
        try
        {
            incoming = ExtractIncoming(context);
            relationship = RelationshipOf(context);
            trusted = TrustOf(context);
            started = true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(MessagingTracingConsumeFilter), ex);
        }

        if (!started)
        {
            await next.Send(context).ConfigureAwait(false);
        }
        else if (IsBridgeable(current, incoming, relationship, trusted))
        {
            await BridgeAsync(current!, incoming, relationship, context, next).ConfigureAwait(false);
        }
        else
        {
            await ProcessAsync(current, incoming, relationship, trusted, context, next).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Probe(ProbeContext context)
    {
        ProbeContext scope = context.CreateFilterScope("messagingTracing");
        scope.Add("relationship", (_options.Relationship ?? _tracer.Options.DefaultRelationship).ToString());
        scope.Add("requestResponseRelationship", _options.RequestResponseRelationship.ToString());
        scope.Add("trustIncomingContext", _options.TrustIncomingContext ?? _tracer.Options.TrustIncomingContext);
    }

    private async Task BridgeAsync(Activity receive, PropagationContext incoming, MessageRelationship relationship, ConsumeContext context, IPipe<ConsumeContext> next)
    {
        Baggage previous = Baggage.Current;
        MessagingMeasurement measurement = default;
        string? errorType = null;
        try
        {
            // MassTransit's spans are not measured by anyone else: the delivery is measured here, once, as the own path's
            // process scope measures it, whatever the number of consumer spans under the receive span.
            measurement = MessagingMeasurement.Start(MassTransitOperations.Process(context));

            if (relationship == MessageRelationship.FollowsFrom && IsValid(incoming.ActivityContext))
            {
                receive.AddLink(FollowsFromLink.To(incoming.ActivityContext));
            }

            // Only a trusted message is bridged: its baggage is the handler's. The consumer spans MassTransit starts under the
            // receive span are the process spans: the consumer filter describes them.
            DescribeMessage(receive, context);
            context.GetOrAddPayload(static () => new BridgedDelivery()).Receive = receive;
            Baggage.Current = incoming.Baggage;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(MessagingTracingConsumeFilter), ex);
        }

        try
        {
            await next.Send(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            errorType = MessagingSpanExtensions.ErrorTypeOf(ex);
            throw;
        }
        finally
        {
            Baggage.Current = previous;
            measurement.Complete(errorType);
        }
    }

    private async Task ProcessAsync(Activity? current, PropagationContext incoming, MessageRelationship relationship, bool trusted, ConsumeContext context, IPipe<ConsumeContext> next)
    {
        ProcessScope? scope = null;
        try
        {
            // A transport span that continues the producer's trace (RabbitMQ.Client 7.2's deliver span, a child of its
            // publish span by default) holds the process span, as MassTransit's receive span holds its consumer span. One in
            // a trace of its own is linked to the producer and set aside: the process span continues the producer's trace.
            if (IsTransportSpan(current) && current!.TraceId != incoming.ActivityContext.TraceId)
            {
                LinkToProducer(current, incoming.ActivityContext, trusted);
                Activity.Current = null;
            }

            scope = _tracer.StartProcess(incoming, MassTransitOperations.Process(context), relationship, trusted, context);
            DescribeMessage(scope.Activity, context);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(MessagingTracingConsumeFilter), ex);
        }

        try
        {
            await next.Send(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            scope?.RecordException(ex);
            throw;
        }
        finally
        {
            scope?.Dispose();
            Activity.Current = current;
        }
    }

    /// <summary>
    /// The envelope's headers first (what MassTransit producers wrote, including this library's), then the transport's
    /// (what plain RabbitMQ.Client or other non-MassTransit producers wrote).
    /// </summary>
    private PropagationContext ExtractIncoming(ConsumeContext context)
    {
        PropagationContext envelope = _tracer.Extract(context.Headers, MassTransitHeadersCarrierAdapter.Instance);
        if (IsValid(envelope.ActivityContext) || context.ReceiveContext.TransportHeaders is not { } transportHeaders)
        {
            return envelope;
        }

        PropagationContext transport = _tracer.Extract(transportHeaders, MassTransitHeadersCarrierAdapter.Instance);
        return IsValid(transport.ActivityContext) || transport.Baggage.Count > 0 ? transport : envelope;
    }

    private MessageRelationship RelationshipOf(ConsumeContext context)
    {
        if (_options.RelationshipSelector is { } selector)
        {
            try
            {
                if (selector(context) is { } chosen)
                {
                    return chosen;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The message is still traced, with the relationship it would have had without a selector.
                MessagingTracingEventSource.Log.CallbackFailed(nameof(MassTransitTracingOptions.RelationshipSelector), ex);
            }
        }

        return context.RequestId.HasValue
            ? _options.RequestResponseRelationship
            : _options.Relationship ?? _tracer.Options.DefaultRelationship;
    }

    /// <summary>
    /// Whether the message's context is trusted: the <see cref="MassTransitTracingOptions.TrustSelector"/>'s answer (a
    /// selector that throws trusts nothing), else <see cref="MassTransitTracingOptions.TrustIncomingContext"/>, else the
    /// tracer's setting.
    /// </summary>
    private bool TrustOf(ConsumeContext context)
    {
        if (_options.TrustSelector is { } selector)
        {
            try
            {
                if (selector(context) is { } chosen)
                {
                    return chosen;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                MessagingTracingEventSource.Log.CallbackFailed(nameof(MassTransitTracingOptions.TrustSelector), ex);
                return false;
            }
        }

        return _options.TrustIncomingContext ?? _tracer.Options.TrustIncomingContext;
    }

    /// <summary>MassTransit's receive span already continues the producer's trace, the sender is trusted and a new trace is not asked for.</summary>
    private static bool IsBridgeable(Activity? current, PropagationContext incoming, MessageRelationship relationship, bool trusted) =>
        current is { Kind: ActivityKind.Consumer, IsStopped: false }
        && current.Source.Name == MassTransitAttributes.MassTransitSourceName
        && relationship != MessageRelationship.NewTrace
        && trusted
        && (!IsValid(incoming.ActivityContext) || incoming.ActivityContext.TraceId == current.TraceId);

    /// <summary>
    /// Ties a transport span outside the producer's trace to the story with a <c>follows_from</c> link: MassTransit's
    /// receive span reads only its own <c>MT-Activity-Id</c>, which a foreign producer does not write, and RabbitMQ.Client's
    /// deliver span does not read an AMQP byte array. A span that already has a link (RabbitMQ.Client's link-only deliver
    /// span, MassTransit's receive span in its <c>Link</c> propagation mode) is left as it is.
    /// </summary>
    private void LinkToProducer(Activity transport, in ActivityContext producer, bool trusted)
    {
        if (transport is { Kind: ActivityKind.Consumer, IsStopped: false, IsAllDataRequested: true }
            && IsValid(producer)
            && (trusted || _tracer.Options.LinkUntrustedContext)
            && !HasLinks(transport))
        {
            transport.AddLink(FollowsFromLink.To(producer));
        }
    }

    private static bool HasLinks(Activity activity)
    {
        foreach (ActivityLink _ in activity.Links)
        {
            return true;
        }

        return false;
    }

    /// <summary>Spans of the transport around the consume pipe: MassTransit's own, RabbitMQ.Client's.</summary>
    private static bool IsTransportSpan(Activity? activity) =>
        activity is not null
        && (activity.Source.Name == MassTransitAttributes.MassTransitSourceName
            || activity.Source.Name.StartsWith("RabbitMQ.Client", StringComparison.Ordinal));

    /// <summary>The message's id and conversation id, the retry attempt and the redelivery count.</summary>
    internal static void DescribeMessage(Activity? activity, ConsumeContext context)
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

        activity.SetTag(MassTransitAttributes.RetryAttempt, context.GetRetryAttempt());
        activity.SetTag(MassTransitAttributes.RedeliveryCount, context.GetRedeliveryCount());
    }

    private static bool IsValid(in ActivityContext context) => context.TraceId != default && context.SpanId != default;
}
