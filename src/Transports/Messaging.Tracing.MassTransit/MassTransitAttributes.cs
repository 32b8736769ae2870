namespace Messaging.Tracing.MassTransit;

/// <summary>Attribute names this integration adds to spans.</summary>
public static class MassTransitAttributes
{
    /// <summary><c>messaging.masstransit.retry_attempt</c>: the retry attempt of this consume (0 for the first).</summary>
    public const string RetryAttempt = "messaging.masstransit.retry_attempt";

    /// <summary><c>messaging.masstransit.redelivery_count</c>: how many times the message was redelivered.</summary>
    public const string RedeliveryCount = "messaging.masstransit.redelivery_count";

    /// <summary><c>messaging.masstransit.message_type</c>: the message types the envelope announces.</summary>
    public const string MessageType = "messaging.masstransit.message_type";

    /// <summary>The name of MassTransit's own <c>ActivitySource</c>.</summary>
    public const string MassTransitSourceName = "MassTransit";
}
