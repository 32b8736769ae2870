using System;
using System.Collections.Generic;
using System.Linq;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Xunit;

namespace Messaging.Tracing.Tests.Metrics;

public sealed class MessagingTracingMeterProviderBuilderExtensionsTests
{
    [Fact]
    public void The_meter_provider_receives_the_instruments_with_their_units_and_advised_buckets()
    {
        string destination = "provider-" + Guid.NewGuid().ToString("N");
        var exported = new List<Metric>();
        using MeterProvider provider = Sdk.CreateMeterProviderBuilder()
            .AddMessagingTracing()
            .AddReader(new BaseExportingMetricReader(new CollectingExporter(exported)))
            .Build();

        MessagingMeasurement.Start(new MessagingOperation("test", MessagingOperationType.Send, "send", destination)).Complete();
        var process = new MessagingOperation("test", MessagingOperationType.Process, "process", destination) { MessageTimestamp = DateTimeOffset.UtcNow };
        new MessagingTracer(new MessagingTracingOptions()).StartProcess(default, process).Dispose();
        Assert.True(provider.ForceFlush());

        var units = exported.GroupBy(metric => metric.Name).ToDictionary(group => group.Key, group => group.First().Unit);
        Assert.Equal("s", units[MessagingMeter.ClientOperationDuration]);
        Assert.Equal("s", units[MessagingMeter.ProcessDuration]);
        Assert.Equal("s", units[MessagingMeter.QueueDuration]);
        Assert.Equal("{message}", units[MessagingMeter.SentMessages]);
        Assert.Equal("{message}", units[MessagingMeter.ConsumedMessages]);
        Assert.All(exported, metric => Assert.Equal(MessagingMeter.Name, metric.MeterName));

        Metric duration = exported.First(metric => metric.Name == MessagingMeter.ClientOperationDuration);
        double[] bounds = Points(duration).Where(point => Has(point, destination)).SelectMany(Bounds).Distinct().ToArray();
        Assert.Equal(new[] { 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, double.PositiveInfinity }, bounds);

        Metric sent = exported.First(metric => metric.Name == MessagingMeter.SentMessages);
        Assert.Equal(1, Points(sent).Where(point => Has(point, destination)).Sum(point => point.GetSumLong()));
    }

    private static IEnumerable<MetricPoint> Points(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly MetricPoint point in metric.GetMetricPoints())
        {
            points.Add(point);
        }

        return points;
    }

    private static bool Has(MetricPoint point, string destination)
    {
        foreach (KeyValuePair<string, object?> tag in point.Tags)
        {
            if (tag.Key == MessagingAttributes.DestinationName && Equals(tag.Value, destination))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<double> Bounds(MetricPoint point)
    {
        var bounds = new List<double>();
        foreach (HistogramBucket bucket in point.GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
        }

        return bounds;
    }

    private sealed class CollectingExporter(List<Metric> exported) : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (Metric metric in batch)
            {
                exported.Add(metric);
            }

            return ExportResult.Success;
        }
    }
}
