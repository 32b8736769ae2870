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
    /// Traces every message this bus sends, publishes and consumes: W3C <c>traceparent</c>/<c>tracestate</c>/<c>baggage</c>
    /// headers carrying the producer span, and a process span related to the producer by the relationship policy.
    /// The tracer comes from the container (<c>services.AddMessagingTracing()</c>) or is the default one.
    /// </summary>
    /// <param name="configurator">The bus configurator.</param>
    /// <param name="context">The registration context (the container).</param>
    /// <param name="configure">Optional configuration of the MassTransit options.</param>
    public static void UseMessagingTracing(this IBusFactoryConfigurator configurator, IRegistrationContext context, Action<MassTransitTracingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        configurator.UseMessagingTracing(context.GetService<MessagingTracer>(), configure);
    }

    /// <summary>
    /// Traces every message this bus sends, publishes and consumes, with the given tracer (the default one when null),
    /// for buses configured without a container.
    /// </summary>
    /// <param name="configurator">The bus configurator.</param>
    /// <param name="tracer">The tracer; <see cref="MessagingTracer.Default"/> when null.</param>
    /// <param name="configure">Optional configuration of the MassTransit options.</param>
    public static void UseMessagingTracing(this IBusFactoryConfigurator configurator, MessagingTracer? tracer = null, Action<MassTransitTracingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        var options = new MassTransitTracingOptions();
        configure?.Invoke(options);
        options.Validate();
        tracer ??= MessagingTracer.Default;

        configurator.AddPipeSpecification(new MessagingTracingSpecification(tracer, options));
        var observer = new MessagingTracingSendObserver(tracer);
        configurator.ConnectSendObserver(observer);
        configurator.ConnectPublishObserver(observer);
    }
}
