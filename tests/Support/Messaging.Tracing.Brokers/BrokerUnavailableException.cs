using System;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// A broker the tests need is not reachable. The message says which broker, where it was looked
/// for, and how to start it (<c>eng/brokers.sh</c>) or point the tests at another one.
/// </summary>
/// <remarks>Tests never skip when a broker is missing: they fail with this exception.</remarks>
public sealed class BrokerUnavailableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public BrokerUnavailableException()
        : base("A broker the tests need is not reachable; start the test brokers with eng/brokers.sh.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What is missing and how to start it.</param>
    public BrokerUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the failure behind it.</summary>
    /// <param name="message">What is missing and how to start it.</param>
    /// <param name="innerException">The client library's connection failure.</param>
    public BrokerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
