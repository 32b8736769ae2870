namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>The MassTransit soak's message (MassTransit rejects message types without a namespace).</summary>
/// <param name="Payload">The <see cref="SoakPayload"/> text.</param>
public sealed record SoakPing(string Payload);
