namespace Messaging.Tracing.Reliability.Tests.Trust;

/// <summary>The message the MassTransit wire carries (MassTransit needs a message type with a namespace).</summary>
/// <param name="Id">The order id.</param>
public sealed record PartnerOrder(string Id);
