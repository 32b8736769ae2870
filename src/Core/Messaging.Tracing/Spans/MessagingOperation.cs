using System;
using System.Diagnostics;

namespace Messaging.Tracing.Spans;

/// <summary>What a span does: the messaging system, the operation and the destination.</summary>
/// <remarks>
/// The span name is <c>{OperationName} {DestinationName}</c>, or <see cref="OperationName"/> alone when there is
/// no destination, as the OpenTelemetry messaging semantic conventions ask. Pass a low-cardinality destination
/// (a topic or queue name, not a temporary queue) or none.
/// </remarks>
public readonly struct MessagingOperation
{
    /// <summary>Initializes a new instance of the <see cref="MessagingOperation"/> struct.</summary>
    /// <param name="system">The <c>messaging.system</c> value: <c>kafka</c>, <c>rabbitmq</c>, <c>redis</c>, ….</param>
    /// <param name="type">The operation type.</param>
    /// <param name="operationName">The system-specific operation name: <c>send</c>, <c>publish</c>, <c>process</c>, ….</param>
    /// <param name="destinationName">The topic, queue, exchange or stream; <see langword="null"/> when there is none.</param>
    public MessagingOperation(string system, MessagingOperationType type, string operationName, string? destinationName)
    {
        ArgumentException.ThrowIfNullOrEmpty(system);
        ArgumentException.ThrowIfNullOrEmpty(operationName);
        System = system;
        Type = type;
        OperationName = operationName;
        DestinationName = destinationName;
    }

    /// <summary>Gets the <c>messaging.system</c> value.</summary>
    public string System { get; }

    /// <summary>Gets the operation type.</summary>
    public MessagingOperationType Type { get; }

    /// <summary>Gets the <c>messaging.operation.name</c> value.</summary>
    public string OperationName { get; }

    /// <summary>Gets the <c>messaging.destination.name</c> value.</summary>
    public string? DestinationName { get; }

    /// <summary>
    /// Gets the <c>messaging.destination.template</c> value: for a destination per entity (a stream per aggregate, a
    /// queue per tenant), the name of their family. Metrics carry it instead of <see cref="DestinationName"/>; spans carry both.
    /// </summary>
    public string? DestinationTemplate { get; init; }

    /// <summary>Gets the <c>messaging.consumer.group.name</c> the metrics of a consuming operation carry (a Kafka group id, a Redis consumer group).</summary>
    public string? ConsumerGroupName { get; init; }

    /// <summary>
    /// Gets the message's own timestamp — when its producer sent it or its broker stored it, by that machine's clock — from
    /// which a process operation measures the message's time in queue (<see cref="Instruments.MessagingMeter.QueueDuration"/>).
    /// <see langword="null"/> when the message has none, or when its age is not time in queue (a replay).
    /// </summary>
    public DateTimeOffset? MessageTimestamp { get; init; }

    /// <summary>Gets the span kind the conventions give the operation type.</summary>
    public ActivityKind Kind => Type switch
    {
        MessagingOperationType.Create or MessagingOperationType.Send => ActivityKind.Producer,
        MessagingOperationType.Process => ActivityKind.Consumer,
        _ => ActivityKind.Client,
    };

    /// <summary>Gets the <c>messaging.operation.type</c> value.</summary>
    public string TypeName => Type switch
    {
        MessagingOperationType.Create => "create",
        MessagingOperationType.Send => "send",
        MessagingOperationType.Receive => "receive",
        MessagingOperationType.Process => "process",
        _ => "settle",
    };
}
