using System;

namespace Messaging.Tracing.Marten.Tests;

/// <summary>A test document: a save that stores documents and no events.</summary>
public sealed class Note
{
    public Guid Id { get; set; }

    public string Text { get; set; } = string.Empty;
}
