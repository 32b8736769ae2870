using System;
using System.Collections.Concurrent;
using System.Threading;

namespace Messaging.Tracing.Spans;

/// <summary>Span names <c>{operation} {destination}</c>, built once per pair instead of once per message.</summary>
internal static class SpanNames
{
    // Bounded: destinations can be high-cardinality (temporary queues); past the bound names are just built.
    private const int MaxCached = 1024;

    // Recently used names, a few slots picked by the strings' lengths: a producer or consumer usually handles one destination
    // message after message, and comparing two short strings costs less than hashing them for the dictionary.
    private const int RecentSlots = 16;

    private static readonly ConcurrentDictionary<(string Operation, string Destination), SpanName> Cache = new();

    private static readonly SpanName?[] Recent = new SpanName?[RecentSlots];

    public static string For(in MessagingOperation operation)
    {
        string? destination = operation.DestinationName;
        if (string.IsNullOrEmpty(destination))
        {
            return operation.OperationName;
        }

        int slot = ((operation.OperationName.Length * 31) + destination.Length + destination[^1]) & (RecentSlots - 1);
        SpanName? recent = Volatile.Read(ref Recent[slot]);
        if (recent is not null
            && string.Equals(recent.Destination, destination, StringComparison.Ordinal)
            && string.Equals(recent.Operation, operation.OperationName, StringComparison.Ordinal))
        {
            return recent.Name;
        }

        (string, string) key = (operation.OperationName, destination);
        if (!Cache.TryGetValue(key, out SpanName? entry))
        {
            string name = operation.OperationName + " " + destination;
            if (Cache.Count >= MaxCached)
            {
                return name;
            }

            entry = Cache.GetOrAdd(key, new SpanName(operation.OperationName, destination, name));
        }

        Volatile.Write(ref Recent[slot], entry);
        return entry.Name;
    }

    /// <summary>A cached name and the pair it was built from.</summary>
    private sealed class SpanName(string operation, string destination, string name)
    {
        public string Operation { get; } = operation;

        public string Destination { get; } = destination;

        public string Name { get; } = name;
    }
}
