using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Instruments;

/// <summary>
/// The metrics of one operation (<see cref="MessagingMeter"/>): <see cref="Start"/> where it begins, <see cref="Complete"/>
/// once where it ends. Independent of spans and sampling: with spans unsampled and metrics on, every message is counted.
/// </summary>
/// <remarks>
/// <para>
/// By <see cref="MessagingOperation.Type"/>: a send (or create) records <c>messaging.client.operation.duration</c> and adds
/// its message count to <c>messaging.client.sent.messages</c> on completion, failed or not; a process adds its message
/// count to <c>messaging.client.consumed.messages</c> and records <c>messaging_tracing.queue.duration</c> (when the
/// operation has a <see cref="MessagingOperation.MessageTimestamp"/>) when it starts, and
/// <c>messaging.process.duration</c> on completion; a receive or settle records <c>messaging.client.operation.duration</c>.
/// </para>
/// <para>
/// Attributes: <c>messaging.system</c>, <c>messaging.operation.name</c>, <c>messaging.operation.type</c>,
/// <c>messaging.destination.template</c> when the operation has one, else <c>messaging.destination.name</c> (the first
/// 1,000 distinct names of a process; further ones go without), <c>messaging.consumer.group.name</c> when set, and
/// <c>error.type</c> on a failed completion. Never message ids, keys or other per-message values.
/// </para>
/// <para>
/// A <see cref="MeterListener"/> that throws is reported through <see cref="MessagingTracingEventSource"/> and the operation
/// goes on; a slow one slows the message, as a slow <see cref="ActivityListener"/> does. With nothing listening, a
/// measurement costs a few checks (no timestamp is taken).
/// </para>
/// <para>The processing paths of <see cref="MessagingTracer"/> (<see cref="ProcessScope"/>) measure themselves.</para>
/// </remarks>
public readonly struct MessagingMeasurement
{
    private readonly MessagingInstruments? _instruments;
    private readonly MessagingOperation _operation;
    private readonly long _started;
    private readonly int _messageCount;

    private MessagingMeasurement(MessagingInstruments instruments, in MessagingOperation operation, int messageCount)
    {
        _instruments = instruments;
        _operation = operation;
        _messageCount = messageCount;
        _started = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Gets a value indicating whether this measurement records anything: <see langword="false"/> when nothing listened to
    /// its instruments as it started (then <see cref="Complete"/> does nothing, and a transport may skip the work of
    /// calling it — wrapping a delivery callback, say).
    /// </summary>
    public bool IsRecording => _instruments is not null;

    /// <summary>Starts measuring an operation; a process also counts its messages and records their time in queue now.</summary>
    /// <param name="operation">What is done where; its destination, template, consumer group and timestamp are used.</param>
    /// <param name="messageCount">How many messages the operation carries (a batch's size); at least 1.</param>
    /// <returns>The measurement; <see cref="Complete"/> it once.</returns>
    public static MessagingMeasurement Start(in MessagingOperation operation, int messageCount = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(messageCount);
        if (MessagingInstruments.Instance is not { } instruments || !instruments.Measure(operation.Type))
        {
            return default;
        }

        var measurement = new MessagingMeasurement(instruments, operation, messageCount);
        if (operation.Type == MessagingOperationType.Process)
        {
            measurement.RecordDelivery();
        }

        return measurement;
    }

    /// <summary>Records the end of the operation: its duration and, for a send, its message count.</summary>
    /// <param name="errorType">The <c>error.type</c> of a failure (an exception's full type name, a broker's error code);
    /// <see langword="null"/> when the operation succeeded.</param>
    public void Complete(string? errorType = null)
    {
        if (_instruments is not { } instruments)
        {
            return;
        }

        bool process = _operation.Type == MessagingOperationType.Process;
        Histogram<double> duration = process ? instruments.ProcessDuration : instruments.OperationDuration;
        bool send = _operation.Type is MessagingOperationType.Send or MessagingOperationType.Create;
        if (!duration.Enabled && !(send && instruments.SentMessages.Enabled))
        {
            return;
        }

        TagList tags = Tags(_operation, errorType);
        Record(duration, Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
        if (send)
        {
            Add(instruments.SentMessages, _messageCount, tags);
        }
    }

    private void RecordDelivery()
    {
        MessagingInstruments instruments = _instruments!;
        bool queued = _operation.MessageTimestamp is not null && instruments.QueueDuration.Enabled;
        if (!instruments.ConsumedMessages.Enabled && !queued)
        {
            return;
        }

        TagList tags = Tags(_operation, errorType: null);
        Add(instruments.ConsumedMessages, _messageCount, tags);
        if (queued)
        {
            // Two clocks: the producer's or broker's, and this one. Skew that puts the message in the future reads as no wait.
            double seconds = (DateTimeOffset.UtcNow - _operation.MessageTimestamp!.Value).TotalSeconds;
            Record(instruments.QueueDuration, Math.Max(0, seconds), tags);
        }
    }

    /// <summary>One measurement, guarded on its own: a listener that throws on one instrument costs no other its value.</summary>
    private static void Record(Histogram<double> histogram, double value, in TagList tags)
    {
        try
        {
            histogram.Record(value, tags);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(histogram.Name, ex);
        }
    }

    /// <summary>One count, guarded on its own (see <see cref="Record"/>).</summary>
    private static void Add(Counter<long> counter, long value, in TagList tags)
    {
        try
        {
            counter.Add(value, tags);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MessagingTracingEventSource.Log.InstrumentationFailed(counter.Name, ex);
        }
    }

    private static TagList Tags(in MessagingOperation operation, string? errorType)
    {
        var tags = new TagList
        {
            { MessagingAttributes.System, operation.System },
            { MessagingAttributes.OperationName, operation.OperationName },
            { MessagingAttributes.OperationType, operation.TypeName },
        };
        if (operation.DestinationTemplate is { } template)
        {
            tags.Add(MessagingAttributes.DestinationTemplate, template);
        }
        else if (operation.DestinationName is { } destination && MetricDestinations.Shared.Admit(destination))
        {
            tags.Add(MessagingAttributes.DestinationName, destination);
        }

        if (operation.ConsumerGroupName is { } group)
        {
            tags.Add(MessagingAttributes.ConsumerGroupName, group);
        }

        if (errorType is not null)
        {
            tags.Add(MessagingAttributes.ErrorType, errorType);
        }

        return tags;
    }
}
