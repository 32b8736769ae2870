using System;

namespace EventSourcing.Domain;

/// <summary>A command the aggregate refuses (unknown band, rating out of range, …).</summary>
public sealed class DomainException : Exception
{
    public DomainException()
    {
    }

    public DomainException(string message)
        : base(message)
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
