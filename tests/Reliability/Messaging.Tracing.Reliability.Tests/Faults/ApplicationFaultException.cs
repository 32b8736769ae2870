using System;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>What the application's handler throws for the poison message: it must reach the application as before.</summary>
public sealed class ApplicationFaultException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ApplicationFaultException"/> class.</summary>
    public ApplicationFaultException()
        : base("the application's handler failed")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ApplicationFaultException"/> class.</summary>
    /// <param name="message">Which message.</param>
    public ApplicationFaultException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ApplicationFaultException"/> class.</summary>
    /// <param name="message">Which message.</param>
    /// <param name="innerException">Unused.</param>
    public ApplicationFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
