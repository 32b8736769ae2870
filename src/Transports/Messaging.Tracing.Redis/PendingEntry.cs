namespace Messaging.Tracing.Redis;

/// <summary>One row of an <c>XPENDING</c> reply: an entry delivered and not acknowledged, and how often it was delivered.</summary>
/// <param name="Id">The entry id.</param>
/// <param name="DeliveryCount">The deliveries so far.</param>
internal readonly record struct PendingEntry(string Id, long DeliveryCount);
