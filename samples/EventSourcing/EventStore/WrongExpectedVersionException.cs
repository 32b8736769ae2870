using System;

namespace EventSourcing.EventStore;

/// <summary>An append lost the optimistic-concurrency race: the stream has more events than the writer had seen.</summary>
public sealed class WrongExpectedVersionException : Exception
{
    public WrongExpectedVersionException()
    {
    }

    public WrongExpectedVersionException(string message)
        : base(message)
    {
    }

    public WrongExpectedVersionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static WrongExpectedVersionException For(string streamId, long expected, long actual) =>
        new($"Stream {streamId} has {actual} event(s), the writer expected {expected}.");
}
