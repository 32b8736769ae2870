namespace Messaging.Tracing.Marten.Tests;

/// <summary>A test event.</summary>
public sealed record BandRegistered(string Name);
