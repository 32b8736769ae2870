namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>The MassTransit message of the fault runs (MassTransit rejects message types without a namespace).</summary>
/// <param name="Id">The message id.</param>
/// <param name="Payload">The payload bytes.</param>
public sealed record FaultProbe(string Id, byte[] Payload);
