using System;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>What an injected fault throws: never expected to reach the application.</summary>
public sealed class InjectedFaultException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="InjectedFaultException"/> class.</summary>
    public InjectedFaultException()
        : base("injected instrumentation fault")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InjectedFaultException"/> class.</summary>
    /// <param name="message">Where it was injected.</param>
    public InjectedFaultException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InjectedFaultException"/> class.</summary>
    /// <param name="message">Where it was injected.</param>
    /// <param name="innerException">Unused.</param>
    public InjectedFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
