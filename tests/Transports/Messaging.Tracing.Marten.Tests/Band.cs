using System;

namespace Messaging.Tracing.Marten.Tests;

/// <summary>The test aggregate: streams are started as bands.</summary>
public sealed class Band
{
    public Guid Id { get; set; }
}
