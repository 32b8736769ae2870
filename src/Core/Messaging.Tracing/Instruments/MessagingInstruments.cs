using System;
using System.Diagnostics.Metrics;
using System.Reflection;
using Messaging.Tracing.Diagnostics;
using Messaging.Tracing.Spans;

namespace Messaging.Tracing.Instruments;

/// <summary>
/// The meter and its five instruments, created once. A <see cref="MeterListener"/> whose <c>InstrumentPublished</c>
/// throws makes creating an instrument throw: then the library records no metrics (reported), and messages go on.
/// </summary>
internal sealed class MessagingInstruments
{
    /// <summary>
    /// Histogram bucket boundaries (seconds) the semantic conventions advise for both messaging durations (v1.44.0,
    /// "Messaging metrics").
    /// </summary>
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>
    /// Queue time boundaries (seconds): a message may wait milliseconds or, behind a stopped consumer, hours — the
    /// conventions' durations stop at 10 s, these go on to a day.
    /// </summary>
    private static readonly double[] QueueBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400];

    private static readonly Lazy<MessagingInstruments?> Created = new(Create);

    private MessagingInstruments(Meter meter)
    {
        Meter = meter;
        OperationDuration = meter.CreateHistogram(
            MessagingMeter.ClientOperationDuration, "s", "Duration of messaging operation initiated by a producer or consumer client.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        ProcessDuration = meter.CreateHistogram(
            MessagingMeter.ProcessDuration, "s", "Duration of processing operation.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        SentMessages = meter.CreateCounter<long>(MessagingMeter.SentMessages, "{message}", "Number of messages producer attempted to send to the broker.");
        ConsumedMessages = meter.CreateCounter<long>(MessagingMeter.ConsumedMessages, "{message}", "Number of messages that were delivered to the application.");
        QueueDuration = meter.CreateHistogram(
            MessagingMeter.QueueDuration, "s", "Time from the message's own timestamp (its producer's or broker's clock) to the start of its processing.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = QueueBuckets });
    }

    /// <summary>Gets the instruments, or <see langword="null"/> when they could not be created.</summary>
    public static MessagingInstruments? Instance => Created.Value;

    public Meter Meter { get; }

    public Histogram<double> OperationDuration { get; }

    public Histogram<double> ProcessDuration { get; }

    public Counter<long> SentMessages { get; }

    public Counter<long> ConsumedMessages { get; }

    public Histogram<double> QueueDuration { get; }

    /// <summary>Whether an instrument an operation of this type records is listened to.</summary>
    /// <param name="type">The operation type.</param>
    /// <returns><see langword="false"/> when nothing would be recorded.</returns>
    public bool Measure(MessagingOperationType type) => type switch
    {
        MessagingOperationType.Process => ProcessDuration.Enabled || ConsumedMessages.Enabled || QueueDuration.Enabled,
        MessagingOperationType.Send or MessagingOperationType.Create => OperationDuration.Enabled || SentMessages.Enabled,
        _ => OperationDuration.Enabled,
    };

    private static MessagingInstruments? Create()
    {
        var meter = new Meter(
            MessagingMeter.Name,
            typeof(MessagingInstruments).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
        try
        {
            return new MessagingInstruments(meter);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            meter.Dispose();
            MessagingTracingEventSource.Log.InstrumentationFailed(nameof(MessagingInstruments), ex);
            return null;
        }
    }
}
