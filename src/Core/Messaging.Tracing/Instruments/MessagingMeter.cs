namespace Messaging.Tracing.Instruments;

/// <summary>
/// The one <see cref="System.Diagnostics.Metrics.Meter"/> every Messaging.Tracing measurement comes from, named like the
/// activity source, and the names of its instruments: the four messaging metrics of the OpenTelemetry semantic
/// conventions (v1.44.0, "Messaging metrics"; development stability) and the library's own time in queue.
/// </summary>
/// <remarks>Enable it with <c>meterProviderBuilder.AddMessagingTracing()</c>, or listen with a <c>MeterListener</c>.</remarks>
public static class MessagingMeter
{
    /// <summary>The meter name to enable in a meter provider (<c>AddMessagingTracing()</c> does it).</summary>
    public const string Name = "Messaging.Tracing";

    /// <summary>
    /// <c>messaging.client.operation.duration</c> (histogram, <c>s</c>): how long a send (or another operation the client
    /// starts, not processing) took, until the broker acknowledged it where the transport waits for that.
    /// </summary>
    public const string ClientOperationDuration = "messaging.client.operation.duration";

    /// <summary><c>messaging.process.duration</c> (histogram, <c>s</c>): how long the handler of a message (or batch) ran.</summary>
    public const string ProcessDuration = "messaging.process.duration";

    /// <summary><c>messaging.client.sent.messages</c> (counter, <c>{message}</c>): messages the producer tried to send, failures included.</summary>
    public const string SentMessages = "messaging.client.sent.messages";

    /// <summary><c>messaging.client.consumed.messages</c> (counter, <c>{message}</c>): messages delivered to the application's handlers.</summary>
    public const string ConsumedMessages = "messaging.client.consumed.messages";

    /// <summary>
    /// <c>messaging_tracing.queue.duration</c> (histogram, <c>s</c>; this library's, not a semantic convention): the time from
    /// the message's own timestamp — set by its producer or its broker — to the start of its processing. The two clocks
    /// are different machines': skew between them goes into the value, and a value below zero is recorded as zero.
    /// </summary>
    public const string QueueDuration = "messaging_tracing.queue.duration";
}
