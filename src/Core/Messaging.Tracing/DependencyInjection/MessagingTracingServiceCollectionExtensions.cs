using System;
using Messaging.Tracing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

// Extension methods live in the namespace of the type they extend, as Microsoft.Extensions does.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Messaging.Tracing in a service collection.</summary>
public static class MessagingTracingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="MessagingTracingOptions"/> and a singleton <see cref="MessagingTracer"/> that the
    /// transports resolve. Calling it again adds the configuration; the tracer is registered once. Nothing
    /// host-wide (sampler, global propagator) is changed. Enable the spans with
    /// <c>TracerProviderBuilder.AddMessagingTracing()</c>.
    /// </summary>
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
        return services;
    }
}
