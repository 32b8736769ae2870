using System.Collections.Concurrent;

namespace Messaging.Tracing.Spans;

/// <summary>Span names <c>{operation} {destination}</c>, built once per pair instead of once per message.</summary>
internal static class SpanNames
{
    // Bounded: destinations can be high-cardinality (temporary queues); past the bound names are just built.
    private const int MaxCached = 1024;

    private static readonly ConcurrentDictionary<(string Operation, string Destination), string> Cache = new();

    public static string For(in MessagingOperation operation)
    {
        if (string.IsNullOrEmpty(operation.DestinationName))
        {
            return operation.OperationName;
        }

        (string, string) key = (operation.OperationName, operation.DestinationName);
        if (Cache.TryGetValue(key, out string? name))
        {
            return name;
        }

        name = operation.OperationName + " " + operation.DestinationName;
        if (Cache.Count < MaxCached)
        {
            Cache.TryAdd(key, name);
        }

        return name;
    }
}
