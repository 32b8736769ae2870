using System;
using Messaging.Tracing;
using Messaging.Tracing.MassTransit;
using Microsoft.Extensions.DependencyInjection;

// Extension methods live in the namespace of the configurators they extend, as MassTransit's own do.
namespace MassTransit;

/// <summary>Registers Messaging.Tracing on a MassTransit bus.</summary>
public static class MessagingTracingConfigurationExtensions
{
    /// <summary>
    /// Traces every message this bus sends, publishes and consumes with the application's registered tracer: W3C
    /// <c>traceparent</c>/<c>tracestate</c>/<c>baggage</c> headers carrying the producer span, and a process span related to
    /// the producer by the relationship policy. Register the tracer once with <c>x.AddMessagingTracing(...)</c> in
    /// <c>AddMassTransit</c> (it is <c>services.AddMessagingTracing(...)</c>; either registers the one tracer).
    /// </summary>
    /// <param name="configurator">The bus configurator.</param>
    /// <param name="context">The registration context (the container).</param>
    /// <param name="configure">Optional configuration of the MassTransit options.</param>
    /// <exception cref="InvalidOperationException">No <see cref="MessagingTracer"/> is registered: the bus is not traced with
    /// defaults the application never chose, it fails to start and says what to add.</exception>
    public static void UseMessagingTracing(this IBusFactoryConfigurator configurator, IRegistrationContext context, Action<MassTransitTracingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);
        MessagingTracer tracer = context.GetService<MessagingTracer>() ?? throw new InvalidOperationException(
            "UseMessagingTracing(context) traces with the application's MessagingTracer, and none is registered: add x.AddMessagingTracing(...) "
            + "in AddMassTransit (or services.AddMessagingTracing(...)).");
        configurator.UseMessagingTracing(tracer, configure);
    }

    /// <summary>
    /// Traces every message this bus sends, publishes and consumes with the given tracer, for buses configured without a
    /// container: pass <see cref="MessagingTracer.Default"/> or a tracer made with your options.
    /// </summary>
    /// <remarks>
    /// Adds a <see cref="MessagingTracingSpecification"/> (the consume filter) and a <see cref="MessagingTracingSendObserver"/>
    /// for sends and publishes. When MassTransit's own source is listened, its send span and each consumer's span stand for
    /// this library's producer and process spans (bridged): they are named <c>send</c>/<c>publish {destination}</c> and
    /// <c>process {endpoint}</c>, get the convention attributes and run the tracer's enrichment callbacks, keeping
    /// MassTransit's other attributes. Consumer spans are reached through a filter in every consumer's pipe (added by a consumer
    /// configuration observer, as MassTransit's own bus-level retry and timeout reach each consumer); MassTransit offers no
    /// point inside the spans of handlers (<c>e.Handler&lt;T&gt;</c>), sagas and courier activities, which keep MassTransit's
    /// name and attributes.
    /// </remarks>
    /// <param name="configurator">The bus configurator.</param>
    /// <param name="tracer">The tracer whose options (baggage filters, trust, enrichment) apply.</param>
    /// <param name="configure">Optional configuration of the MassTransit options.</param>
    public static void UseMessagingTracing(this IBusFactoryConfigurator configurator, MessagingTracer tracer, Action<MassTransitTracingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(tracer);
        var options = new MassTransitTracingOptions();
        configure?.Invoke(options);
        options.Validate();

        configurator.AddPipeSpecification(new MessagingTracingSpecification(tracer, options));
        configurator.ConnectConsumerConfigurationObserver(new BridgedConsumerConfigurationObserver(tracer));
        var observer = new MessagingTracingSendObserver(tracer);
        configurator.ConnectSendObserver(observer);
        configurator.ConnectPublishObserver(observer);
    }
}
