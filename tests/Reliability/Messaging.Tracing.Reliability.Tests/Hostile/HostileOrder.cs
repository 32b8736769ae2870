namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>The MassTransit message the hostile headers travel with (MassTransit rejects types without a namespace).</summary>
/// <param name="CaseName">The corpus case, or a sentinel name.</param>
/// <param name="Data">Bytes compared after delivery.</param>
public sealed record HostileOrder(string CaseName, byte[] Data);
