using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;

namespace EventSourcing.Telemetry;

/// <summary>
/// The run's metrics, per destination, from the <c>Messaging.Tracing</c> meter: messages sent and consumed, and the 50th
/// and 99th percentiles of the processing's duration and of the time in queue.
/// </summary>
/// <remarks>
/// The sample reads every measurement with a <c>MeterListener</c> (<see cref="MeasurementCollector"/>), so its percentiles
/// are exact (nearest rank over the recorded values); a metrics backend estimates them from the histograms' buckets.
/// </remarks>
public static class MetricsReport
{
    /// <summary>The heading of the summary.</summary>
    public const string Heading = "══ Metrics per destination (Messaging.Tracing meter) ";

    /// <summary>Writes the summary.</summary>
    /// <param name="output">Where it goes.</param>
    /// <param name="measurements">The measurements of the run.</param>
    public static void Write(TextWriter output, IReadOnlyList<RecordedMeasurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(measurements);
        output.WriteLine();
        output.WriteLine(TraceReport.Rule(Heading));
        string[] header = ["system", "destination", "sent", "consumed", "process p50 / p99", "queue p50 / p99"];
        var rows = new List<string[]> { header };
        foreach (IGrouping<(string? System, string Destination), RecordedMeasurement> destination in measurements
            .GroupBy(m => (System: m.Tag(MessagingAttributes.System), Destination: Describe(m)))
            .OrderBy(g => g.Key.System, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Destination, StringComparer.Ordinal))
        {
            rows.Add(
            [
                destination.Key.System ?? "?",
                destination.Key.Destination,
                Count(destination, MessagingMeter.SentMessages),
                Count(destination, MessagingMeter.ConsumedMessages),
                Percentiles(destination, MessagingMeter.ProcessDuration),
                Percentiles(destination, MessagingMeter.QueueDuration),
            ]);
        }

        int[] widths = Enumerable.Range(0, header.Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        foreach (string[] row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((cell, column) => column is 2 or 3 ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]))).TrimEnd());
        }

        output.WriteLine("Percentiles are exact, over every value this run recorded (a MeterListener in the sample); a metrics backend");
        output.WriteLine("estimates them from histogram buckets. A template stands for a family of destinations (a stream per band).");
    }

    /// <summary>The destination's name, or its template marked as one, or a dash when the measurement has none.</summary>
    private static string Describe(RecordedMeasurement measurement) =>
        measurement.Tag(MessagingAttributes.DestinationName)
        ?? (measurement.Tag(MessagingAttributes.DestinationTemplate) is { } template ? template + " (template)" : "-");

    private static string Count(IEnumerable<RecordedMeasurement> measurements, string instrument) =>
        measurements.Where(m => m.Instrument == instrument).Sum(m => m.Value).ToString("0", CultureInfo.InvariantCulture);

    private static string Percentiles(IEnumerable<RecordedMeasurement> measurements, string instrument)
    {
        double[] values = measurements.Where(m => m.Instrument == instrument).Select(m => m.Value).Order().ToArray();
        return values.Length == 0 ? "-" : $"{Duration(Rank(values, 0.50))} / {Duration(Rank(values, 0.99))}";
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    private static double Rank(double[] sorted, double percentile) => sorted[Math.Max(0, (int)Math.Ceiling(percentile * sorted.Length) - 1)];

    private static string Duration(double seconds) => seconds switch
    {
        < 0.001 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1_000_000:0} µs"),
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1000:0.0} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.00} s"),
    };
}
