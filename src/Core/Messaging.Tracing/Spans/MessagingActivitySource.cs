using System.Diagnostics;
using System.Reflection;

namespace Messaging.Tracing.Spans;

/// <summary>The one <see cref="ActivitySource"/> every Messaging.Tracing span comes from.</summary>
public static class MessagingActivitySource
{
    /// <summary>The source name to enable in a tracer provider (<c>AddMessagingTracing()</c> does it).</summary>
    public const string Name = "Messaging.Tracing";

    internal static ActivitySource Source { get; } = new(
        Name,
        typeof(MessagingActivitySource).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
}
