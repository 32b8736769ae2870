using System;

namespace Messaging.Tracing.Marten.Tests;

/// <summary>The aggregate of the metrics tests: its type name is the append's destination, seen by no other test.</summary>
public sealed class Gig
{
    public Guid Id { get; set; }
}
