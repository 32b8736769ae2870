namespace Messaging.Tracing.Marten.Tests;

/// <summary>A test event.</summary>
public sealed record ReviewAdded(int Rating);
