using System;
using Messaging.Tracing;
using Microsoft.Extensions.DependencyInjection;

// Extension methods live in the namespace of the type they extend, as Marten's own do.
namespace Marten;

/// <summary>Traces the events appended through the document store that <c>services.AddMarten(...)</c> registers.</summary>
public static class MessagingTracingMartenConfigurationExpressionExtensions
{
    /// <summary>
    /// Applies <see cref="MessagingTracingStoreOptionsExtensions.UseMessagingTracing"/> to the store with the application's
    /// one <see cref="MessagingTracer"/>, the one <c>services.AddMessagingTracing(...)</c> registers.
    /// </summary>
    /// <remarks>
    /// The tracer is resolved when the store is built; without <c>services.AddMessagingTracing(...)</c> that throws an
    /// <see cref="InvalidOperationException"/>, rather than tracing with defaults the application never chose.
    /// </remarks>
    /// <param name="marten">What <c>services.AddMarten(...)</c> returned.</param>
    /// <returns>The same expression.</returns>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddMessagingTracing(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten)
    {
        ArgumentNullException.ThrowIfNull(marten);
        marten.Services.ConfigureMarten((provider, options) => options.UseMessagingTracing(provider.GetRequiredService<MessagingTracer>()));
        return marten;
    }
}
