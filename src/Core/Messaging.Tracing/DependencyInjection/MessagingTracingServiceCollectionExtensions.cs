using System;
using Messaging.Tracing;
using Messaging.Tracing.Events;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// Extension methods live in the namespace of the type they extend, as Microsoft.Extensions does.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Messaging.Tracing in a service collection.</summary>
public static class MessagingTracingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="MessagingTracingOptions"/>, the application's one <see cref="MessagingTracer"/> (a singleton built
    /// from those options) and an <see cref="EventTracer"/> on it. Call it once per application — in MassTransit's
    /// <c>AddMassTransit(x => x.AddMessagingTracing(...))</c> it is this same method — and every transport uses that tracer:
    /// the DI registrations (<c>AddTracedKafkaProducer</c>, <c>AddTracedKafkaConsumer</c>, MassTransit's
    /// <c>UseMessagingTracing(context)</c>) resolve it, and the per-call helpers (RabbitMQ.Client, StackExchange.Redis) take
    /// it from the class it is injected into. No traced entry point falls back to <see cref="MessagingTracer.Default"/>: an
    /// option set here — a baggage deny list, say — cannot be skipped by a wrapper built without it.
    /// </summary>
    /// <remarks>
    /// Calling it again adds the configuration; the tracer is registered once. Options are validated when the tracer is
    /// first resolved. Nothing host-wide (sampler, global propagator) is changed. Enable the spans with
    /// <c>TracerProviderBuilder.AddMessagingTracing()</c>.
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="configure">Optional configuration of the options.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddMessagingTracing(this IServiceCollection services, Action<MessagingTracingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<MessagingTracingOptions> options = services.AddOptions<MessagingTracingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(provider => new MessagingTracer(provider.GetRequiredService<IOptions<MessagingTracingOptions>>().Value));
        services.TryAddSingleton(provider => new EventTracer(provider.GetRequiredService<MessagingTracer>()));
        return services;
    }
}
