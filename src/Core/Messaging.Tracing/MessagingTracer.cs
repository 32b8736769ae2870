using System;
using System.Collections.Generic;
using System.Diagnostics;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Propagation;
using Messaging.Tracing.Spans;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace Messaging.Tracing;

/// <summary>
/// What every transport calls: starts producer spans and injects their context, extracts context on the
/// consumer, and opens the process scope with the relationship policy applied.
/// </summary>
/// <remarks>
/// Propagation never depends on sampling or on listeners: an unsampled span's context is sent with its
/// flags, and when nothing records spans the producer's context is still carried through the handler.
/// </remarks>
public sealed class MessagingTracer
{
    /// <summary>How many local ancestors <see cref="OutgoingContext"/> looks at, at most.</summary>
    private const int MaxAncestors = 32;

    private readonly MessagingTracingOptions _options;

    /// <summary>Initializes a new instance of the <see cref="MessagingTracer"/> class.</summary>
    /// <param name="options">The options; validated here.</param>
    public MessagingTracer(MessagingTracingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Propagator = new MessagePropagator(options.InboundBaggageFilter, options.OutboundBaggageFilter);
    }

    /// <summary>
    /// Gets a tracer with default options: no baggage filter, no enrichment, every sender trusted. Nothing uses it
    /// implicitly: every traced entry point takes its tracer as an argument, so an application without dependency injection
    /// passes this one — or <c>new MessagingTracer(options)</c> — as a visible choice. With dependency injection, register
    /// the application's tracer once with <c>services.AddMessagingTracing(...)</c> and resolve it.
    /// </summary>
    public static MessagingTracer Default { get; } = new(new MessagingTracingOptions());

    /// <summary>Gets the options.</summary>
    public MessagingTracingOptions Options => _options;

    /// <summary>Gets the propagator, configured with the options' baggage filters.</summary>
    public MessagePropagator Propagator { get; }

    /// <summary>
    /// Starts a producer span (<c>send {destination}</c>, Producer kind) with the convention attributes. Its metrics are the
    /// transport's to take, from where the send starts to where it is confirmed (<see cref="Instruments.MessagingMeasurement"/>).
    /// </summary>
    /// <param name="operation">What is sent where.</param>
    /// <param name="message">The transport's message, passed to <see cref="MessagingTracingOptions.EnrichProducerSpan"/>.</param>
    /// <returns>The span, or <see langword="null"/> when nothing listens.</returns>
    public Activity? StartProducer(in MessagingOperation operation, object? message = null)
    {
        Activity? activity = StartSpan(SpanNames.For(operation), operation.Kind, parent: default, links: null);
        Describe(activity, operation, message, _options.EnrichProducerSpan, nameof(MessagingTracingOptions.EnrichProducerSpan));
        return activity;
    }

    /// <summary>
    /// Writes the context of <paramref name="producerSpan"/> — or of <see cref="Activity.Current"/> when the
    /// span is null — and <see cref="Baggage.Current"/> into the carrier, replacing earlier values.
    /// </summary>
    /// <typeparam name="TCarrier">The carrier type.</typeparam>
    /// <param name="producerSpan">The producer span, or <see langword="null"/>.</param>
    /// <param name="carrier">The message headers.</param>
    /// <param name="adapter">The adapter for the carrier.</param>
    /// <remarks>
    /// The trace flags sent are the span's, with the random trace id flag (<c>02</c>) added when a local ancestor of the
    /// same trace has it: W3C Trace Context Level 2, "Random Trace ID Flag" — set on the way in, it "MUST also be set in all
    /// outgoing traceparent headers which use the same trace-id" — and System.Diagnostics.DiagnosticSource 10 keeps it on a
    /// span started from a remote parent but not on that span's local children. The sampled flag is sent as it is.
    /// </remarks>
    public void Inject<TCarrier>(Activity? producerSpan, TCarrier carrier, ICarrierAdapter<TCarrier> adapter)
    {
        Activity? source = producerSpan ?? Activity.Current;
        Propagator.Inject(carrier, adapter, source is null ? default : OutgoingContext(source), Baggage.Current);
    }

    /// <summary>Reads the producer's context and baggage from a carrier (never throws).</summary>
    /// <typeparam name="TCarrier">The carrier type.</typeparam>
    /// <param name="carrier">The message headers.</param>
    /// <param name="adapter">The adapter for the carrier.</param>
    /// <returns>The context, <c>default</c> when absent or invalid.</returns>
    public PropagationContext Extract<TCarrier>(TCarrier carrier, ICarrierAdapter<TCarrier> adapter) => Propagator.Extract(carrier, adapter);

    /// <summary>
    /// Opens the scope a handler runs in for one message: starts the process span related to the producer as
    /// the relationship says, and makes it and the message's baggage current until the scope is disposed. The scope is
    /// measured (<see cref="Instruments.MessagingMeasurement"/>): the message counted as consumed, its time in queue (from
    /// <see cref="MessagingOperation.MessageTimestamp"/>) and the processing's duration recorded.
    /// </summary>
    /// <param name="incoming">The producer's context, from <see cref="Extract{TCarrier}"/>.</param>
    /// <param name="operation">What is processed where (type <see cref="MessagingOperationType.Process"/>).</param>
    /// <param name="relationship">The relationship; <see cref="MessagingTracingOptions.DefaultRelationship"/> when null.</param>
    /// <param name="trusted">Whether the sender is trusted; <see cref="MessagingTracingOptions.TrustIncomingContext"/> when null.</param>
    /// <param name="message">The transport's message, passed to <see cref="MessagingTracingOptions.EnrichProcessSpan"/>.</param>
    /// <returns>The scope; dispose it when the handler ends.</returns>
    public ProcessScope StartProcess(
        in PropagationContext incoming,
        in MessagingOperation operation,
        MessageRelationship? relationship = null,
        bool? trusted = null,
        object? message = null)
    {
        bool isTrusted = trusted ?? _options.TrustIncomingContext;
        ActivityContext producer = incoming.ActivityContext;
        bool hasProducer = IsValid(producer);
        MessageRelationship policy = isTrusted ? relationship ?? _options.DefaultRelationship : MessageRelationship.NewTrace;
        bool link = hasProducer && policy != MessageRelationship.ChildOf && (isTrusted || _options.LinkUntrustedContext);

        // A link is built only for a span that can exist: with nothing listening there is no span to carry it (and an
        // ActivityLink copies its attributes on construction).
        ActivityLink[]? links = link && MessagingActivitySource.Source.HasListeners() ? [FollowsFromLink.To(producer)] : null;
        return Open(operation, policy, hasProducer ? producer : default, links, isTrusted ? incoming.Baggage : default, message, messageCount: 1);
    }

    /// <summary>
    /// Makes a span that another library's instrumentation started around the handler — RabbitMQ.Client's <c>deliver</c>
    /// span, say — stand for this library's process span (bridged), so a message has one consumer span rather than two:
    /// names it <c>{operation} {destination}</c>, gives it the convention attributes of <paramref name="operation"/> and runs
    /// <see cref="MessagingTracingOptions.EnrichProcessSpan"/> on it. Where the span sits in the trace stays its starter's
    /// choice; links and the current context are the caller's. Never throws for a faulty enrichment callback.
    /// </summary>
    /// <param name="activity">The span to describe; nothing is done unless it records data.</param>
    /// <param name="operation">What is processed where (type <see cref="MessagingOperationType.Process"/>).</param>
    /// <param name="message">The transport's message, passed to <see cref="MessagingTracingOptions.EnrichProcessSpan"/>.</param>
    public void DescribeBridgedProcess(Activity activity, in MessagingOperation operation, object? message = null)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.IsAllDataRequested)
        {
            activity.DisplayName = SpanNames.For(operation);
        }

        Describe(activity, operation, message, _options.EnrichProcessSpan, nameof(MessagingTracingOptions.EnrichProcessSpan));
    }

    /// <summary>
    /// Makes a span that another library's instrumentation started for a send — MassTransit's send span, say — stand for this
    /// library's producer span (bridged), so a message has one producer span rather than two: names it
    /// <c>{operation} {destination}</c>, gives it the convention attributes of <paramref name="operation"/> and runs
    /// <see cref="MessagingTracingOptions.EnrichProducerSpan"/> on it, as <see cref="StartProducer"/> does for its own span.
    /// Its place in the trace and its other attributes stay its starter's. Never throws for a faulty enrichment callback.
    /// </summary>
    /// <param name="activity">The span to describe; nothing is done unless it records data.</param>
    /// <param name="operation">What is sent where (type <see cref="MessagingOperationType.Send"/>).</param>
    /// <param name="message">The transport's message, passed to <see cref="MessagingTracingOptions.EnrichProducerSpan"/>.</param>
    public void DescribeBridgedProducer(Activity activity, in MessagingOperation operation, object? message = null)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.IsAllDataRequested)
        {
            activity.DisplayName = SpanNames.For(operation);
        }

        Describe(activity, operation, message, _options.EnrichProducerSpan, nameof(MessagingTracingOptions.EnrichProducerSpan));
    }

    /// <summary>
    /// Opens the scope a handler runs in for a batch: one process span linked (<c>follows_from</c>) to every
    /// message's producer, with <c>messaging.batch.message_count</c>. By default the batch starts a new trace;
    /// with <see cref="MessageRelationship.ChildOf"/> or <see cref="MessageRelationship.FollowsFrom"/> it joins the
    /// ambient span, or else the first message's trace. Baggage of the messages is not restored (it may differ).
    /// </summary>
    /// <param name="incoming">Each message's context.</param>
    /// <param name="operation">What is processed where.</param>
    /// <param name="relationship">The relationship; <see cref="MessagingTracingOptions.BatchRelationship"/> when null.</param>
    /// <param name="trusted">Whether the senders are trusted; <see cref="MessagingTracingOptions.TrustIncomingContext"/> when null.</param>
    /// <param name="batch">The transport's batch, passed to <see cref="MessagingTracingOptions.EnrichProcessSpan"/>.</param>
    /// <returns>The scope; dispose it when the handler ends.</returns>
    public ProcessScope StartBatchProcess(
        IReadOnlyList<PropagationContext> incoming,
        in MessagingOperation operation,
        MessageRelationship? relationship = null,
        bool? trusted = null,
        object? batch = null)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        bool isTrusted = trusted ?? _options.TrustIncomingContext;
        MessageRelationship policy = isTrusted ? relationship ?? _options.BatchRelationship : MessageRelationship.NewTrace;
        List<ActivityLink>? links = null;
        ActivityContext first = default;
        if (isTrusted || _options.LinkUntrustedContext)
        {
            // As for one message: links only for a span that can exist.
            bool listened = MessagingActivitySource.Source.HasListeners();
            foreach (PropagationContext context in incoming)
            {
                if (IsValid(context.ActivityContext))
                {
                    first = IsValid(first) ? first : context.ActivityContext;
                    if (listened)
                    {
                        (links ??= new List<ActivityLink>(incoming.Count)).Add(FollowsFromLink.To(context.ActivityContext));
                    }
                }
            }
        }

        ProcessScope scope = Open(operation, policy == MessageRelationship.ChildOf ? MessageRelationship.FollowsFrom : policy, first, links, default, batch, Math.Max(1, incoming.Count));
        if (scope.Activity is { IsAllDataRequested: true } activity)
        {
            activity.SetTag(MessagingAttributes.BatchMessageCount, incoming.Count);
        }

        return scope;
    }

    private ProcessScope Open(
        in MessagingOperation operation,
        MessageRelationship policy,
        ActivityContext producer,
        IEnumerable<ActivityLink>? links,
        Baggage baggage,
        object? message,
        int messageCount)
    {
        Activity? previous = Activity.Current;
        Baggage previousBaggage = Baggage.Current;

        // A span that has already ended (a dispatcher thread can keep one current) is no ambient span.
        Activity? ambient = previous is { IsStopped: false } ? previous : null;

        // ChildOf parents on the producer. FollowsFrom parents on the ambient span when there is one, else on
        // the producer. NewTrace sets the ambient span aside so the new span is a root.
        ActivityContext parent = policy switch
        {
            MessageRelationship.ChildOf => producer,
            MessageRelationship.FollowsFrom when ambient is null => producer,
            _ => default,
        };
        if (policy == MessageRelationship.NewTrace || (previous is not null && ambient is null))
        {
            Activity.Current = null;
        }

        string name = SpanNames.For(operation);
        Activity? activity = StartSpan(name, operation.Kind, parent, links);
        if (activity is null && IsValid(parent))
        {
            activity = StartCarrierOnly(name, parent);
        }
        else
        {
            Describe(activity, operation, message, _options.EnrichProcessSpan, nameof(MessagingTracingOptions.EnrichProcessSpan));
        }

        // Writing Baggage.Current costs an execution-context copy the first time in each async flow: skip it when there
        // is no baggage to set and none to hide.
        if (baggage.Count != 0 || previousBaggage.Count != 0)
        {
            Baggage.Current = baggage;
        }

        return new ProcessScope(activity, previous, previousBaggage, MessagingMeasurement.Start(operation, messageCount));
    }

    /// <summary>
    /// Starts a span of the library's source. An <see cref="ActivityListener"/> (an OpenTelemetry processor's
    /// <c>OnStart</c>) that throws makes <see cref="Activity.Start"/> throw after it has made the new span current:
    /// the fault is reported, <see cref="Activity.Current"/> is put back and the message goes on without a span.
    /// </summary>
    private static Activity? StartSpan(string name, ActivityKind kind, ActivityContext parent, IEnumerable<ActivityLink>? links)
    {
        Activity? current = Activity.Current;
        try
        {
            return MessagingActivitySource.Source.StartActivity(name, kind, parent, tags: null, links);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Activity.Current = current;
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(MessagingTracer), ex);
            return null;
        }
    }

    /// <summary>
    /// Nothing records the span, yet the handler must see the producer's trace (logs, onward messages):
    /// an unrecorded activity outside any source carries it.
    /// </summary>
    private static Activity StartCarrierOnly(string name, ActivityContext parent)
    {
        var activity = new Activity(name);
        activity.SetIdFormat(ActivityIdFormat.W3C);
        activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        activity.TraceStateString = parent.TraceState;

        // An Activity made outside a source says "all data requested" by default; nobody records this one, so say so, and
        // instrumentation (the transports' attributes, enrichment) skips the work.
        activity.IsAllDataRequested = false;
        return activity.Start();
    }

    private static void Describe(Activity? activity, in MessagingOperation operation, object? message, Action<Activity, object>? enrich, string enrichName)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag(MessagingAttributes.System, operation.System);
        activity.SetTag(MessagingAttributes.OperationType, operation.TypeName);
        activity.SetTag(MessagingAttributes.OperationName, operation.OperationName);
        if (operation.DestinationName is not null)
        {
            activity.SetTag(MessagingAttributes.DestinationName, operation.DestinationName);
        }

        if (operation.DestinationTemplate is not null)
        {
            activity.SetTag(MessagingAttributes.DestinationTemplate, operation.DestinationTemplate);
        }

        if (enrich is not null && message is not null)
        {
            try
            {
                enrich(activity, message);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                MessagingTracingEventSource.Log.CallbackFailed(enrichName, ex);
            }
        }
    }

    private static bool IsValid(in ActivityContext context) => context.TraceId != default && context.SpanId != default;

    /// <summary>
    /// The context <see cref="Inject{TCarrier}"/> sends for <paramref name="span"/>: its own, with the random trace id flag
    /// of its nearest local ancestors of the same trace (at most <see cref="MaxAncestors"/> looked at) when it lacks it.
    /// </summary>
    private static ActivityContext OutgoingContext(Activity span)
    {
        const ActivityTraceFlags random = (ActivityTraceFlags)TraceFlagBits.Random;
        ActivityContext context = span.Context;
        if ((context.TraceFlags & random) != 0)
        {
            return context;
        }

        Activity? ancestor = span.Parent;
        for (int depth = 0; ancestor is not null && depth < MaxAncestors && ancestor.TraceId == context.TraceId; depth++)
        {
            if ((ancestor.ActivityTraceFlags & random) != 0)
            {
                return new ActivityContext(context.TraceId, context.SpanId, context.TraceFlags | random, context.TraceState, context.IsRemote);
            }

            ancestor = ancestor.Parent;
        }

        return context;
    }
}
