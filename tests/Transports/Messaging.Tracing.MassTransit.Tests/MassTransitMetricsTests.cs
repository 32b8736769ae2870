using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MassTransit;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Spans;
using Messaging.Tracing.Testing;
using Xunit;

namespace Messaging.Tracing.MassTransit.Tests;

/// <summary>The measurements of sends, publishes and consumes, own spans or MassTransit's bridged.</summary>
[Collection(RabbitMqBroker.CollectionName)]
public class MassTransitMetricsTests(RabbitMqBroker broker)
{
    private const string OrderPlacedExchange = "Messaging.Tracing.MassTransit.Tests:OrderPlaced";

    private const string OrderPlacedUrn = "urn:message:" + OrderPlacedExchange;

    public static TheoryData<string> Listeners => ["spans recorded", "spans unsampled", "no ActivityListener", "MassTransit's spans bridged"];

    [Theory]
    [MemberData(nameof(Listeners))]
    public async Task Every_send_publish_and_consume_is_measured_once_whatever_the_spans(string listener)
    {
        using var measurements = new MeasurementCollector();
        using IDisposable? spans = Listen(listener);
        await using TestBus bus = await TestBus.StartInMemoryAsync();
        string shipping = bus.EndpointOf<ShipOrderConsumer>();
        string placed = bus.EndpointOf<OrderPlacedConsumer>();
        ISendEndpoint endpoint = await bus.GetEndpointAsync<ShipOrderConsumer>();

        await endpoint.Send(new ShipOrder("o-1"));
        await endpoint.Send(new ShipOrder("o-2"));
        await bus.Bus.Publish(new OrderPlaced("o-3"));

        // A send is measured until MassTransit's PostSend / PostPublish, before Send and Publish return.
        IReadOnlyList<RecordedMeasurement> sent = measurements.For(MessagingMeter.SentMessages, shipping);
        Assert.Equal(2, sent.Sum(m => m.Value));
        Assert.Equal(2, measurements.For(MessagingMeter.ClientOperationDuration, shipping).Count);
        Assert.All(sent.Concat(measurements.For(MessagingMeter.ClientOperationDuration, shipping)), m => AssertAttributes(m, "send", "send", shipping));
        Assert.Equal(1, measurements.Sum(MessagingMeter.SentMessages, OrderPlacedUrn));
        RecordedMeasurement published = Assert.Single(measurements.For(MessagingMeter.ClientOperationDuration, OrderPlacedUrn));
        AssertAttributes(published, "publish", "send", OrderPlacedUrn);
        Assert.Equal("s", published.Unit);
        Assert.Equal("{message}", sent[0].Unit);

        await bus.Probe.WaitForCallsAsync(3, TestBus.Timeout);
        IReadOnlyList<RecordedMeasurement> processed = await measurements.WaitForAsync(MessagingMeter.ProcessDuration, shipping, 2, TestBus.Timeout);
        await measurements.WaitForAsync(MessagingMeter.ProcessDuration, placed, 1, TestBus.Timeout);
        Assert.Equal(2, processed.Count);
        Assert.Single(measurements.For(MessagingMeter.ProcessDuration, placed));
        Assert.Equal(2, measurements.Sum(MessagingMeter.ConsumedMessages, shipping));
        Assert.Equal(1, measurements.Sum(MessagingMeter.ConsumedMessages, placed));
        Assert.All(processed.Concat(measurements.For(MessagingMeter.ConsumedMessages, shipping)), m => AssertAttributes(m, "process", "process", shipping));

        // Time in queue from ConsumeContext.SentTime (the sender's clock, here the same machine's).
        IReadOnlyList<RecordedMeasurement> queued = measurements.For(MessagingMeter.QueueDuration, shipping);
        Assert.Equal(2, queued.Count);
        Assert.All(queued, m => Assert.InRange(m.Value, 0, TestBus.Timeout.TotalSeconds));
        Assert.All(queued, m => Assert.Equal("s", m.Unit));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_consumer_fault_is_the_error_type_of_the_processing_duration(bool massTransitSpans)
    {
        using var measurements = new MeasurementCollector();
        using SpanCollector collector = massTransitSpans ? new SpanCollector(MassTransitAttributes.MassTransitSourceName) : new SpanCollector();
        await using TestBus bus = await TestBus.StartInMemoryAsync();
        string shipping = bus.EndpointOf<ShipOrderConsumer>();

        await (await bus.GetEndpointAsync<ShipOrderConsumer>()).Send(new ShipOrder("fail-1"));

        RecordedMeasurement processed = Assert.Single(await measurements.WaitForAsync(MessagingMeter.ProcessDuration, shipping, 1, TestBus.Timeout));
        Assert.Equal(typeof(InvalidOperationException).FullName, processed.Tag(MessagingAttributes.ErrorType));
        Assert.Null(Assert.Single(measurements.For(MessagingMeter.SentMessages, shipping)).Tag(MessagingAttributes.ErrorType));
    }

    [Fact]
    public async Task Over_RabbitMQ_with_every_source_listened_each_message_is_measured_once()
    {
        using var measurements = new MeasurementCollector();
        using var collector = new SpanCollector(MassTransitAttributes.MassTransitSourceName, "RabbitMQ.Client.Publisher", "RabbitMQ.Client.Subscriber");
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker);
        string placed = bus.EndpointOf<OrderPlacedConsumer>();

        await bus.Bus.Publish(new OrderPlaced("o-1"));
        await bus.Bus.Publish(new OrderPlaced("o-2"));

        Assert.Equal(2, measurements.Sum(MessagingMeter.SentMessages, bus.ExchangeOf<OrderPlaced>()));
        Assert.Equal(2, measurements.For(MessagingMeter.ClientOperationDuration, bus.ExchangeOf<OrderPlaced>()).Count);
        await bus.Probe.WaitForCallsAsync(2, TestBus.Timeout);
        IReadOnlyList<RecordedMeasurement> processed = await measurements.WaitForAsync(MessagingMeter.ProcessDuration, placed, 2, TestBus.Timeout);
        Assert.Equal(2, processed.Count);
        Assert.All(processed, m => Assert.Equal("rabbitmq", m.Tag(MessagingAttributes.System)));
        Assert.Equal(2, measurements.Sum(MessagingMeter.ConsumedMessages, placed));
        Assert.Equal(2, measurements.For(MessagingMeter.QueueDuration, placed).Count);
    }

    [Fact]
    public async Task A_response_to_a_temporary_endpoint_is_measured_under_a_template_not_its_name()
    {
        using var measurements = new MeasurementCollector();
        await using TestBus bus = await TestBus.StartRabbitMqAsync(broker);
        IRequestClient<CheckStock> client = bus.Bus.CreateRequestClient<CheckStock>();

        Response<StockLevel> response = await client.GetResponse<StockLevel>(new CheckStock("sku-1"));

        Assert.Equal(7, response.Message.Available);

        // The response goes to the bus endpoint (?temporary=true), named after this host, process and bus instance.
        string temporary = response.DestinationAddress!.AbsolutePath.Trim('/');
        Assert.Contains("_bus_", temporary, StringComparison.Ordinal);
        await measurements.WaitForAsync(MessagingMeter.ProcessDuration, "(temporary)", 1, TestBus.Timeout);
        RecordedMeasurement responded = Assert.Single(measurements.For(MessagingMeter.SentMessages, "(temporary)"));
        Assert.Null(responded.Tag(MessagingAttributes.DestinationName));
        Assert.DoesNotContain(measurements.Measurements, m => m.Tags.Values.OfType<string>().Any(v => v.Contains(temporary, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_throwing_MeterListener_neither_fails_a_send_nor_a_consume()
    {
        int thrown = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MessagingMeter.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => Throw(ref thrown));
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => Throw(ref thrown));
        listener.Start();
        await using TestBus bus = await TestBus.StartInMemoryAsync();

        await bus.Bus.Publish(new OrderPlaced("o-1"));

        Assert.Single(await bus.Probe.WaitForCallsAsync(1, TestBus.Timeout));
        Assert.True(Volatile.Read(ref thrown) >= 2, $"{thrown} measurement(s) reached the listener");
    }

    private static void Throw(ref int thrown)
    {
        Interlocked.Increment(ref thrown);
        throw new InvalidOperationException("listener bug");
    }

    private static void AssertAttributes(RecordedMeasurement measurement, string operationName, string operationType, string destination)
    {
        Assert.Equal("in_memory", measurement.Tag(MessagingAttributes.System));
        Assert.Equal(operationName, measurement.Tag(MessagingAttributes.OperationName));
        Assert.Equal(operationType, measurement.Tag(MessagingAttributes.OperationType));
        Assert.Equal(destination, measurement.Tag(MessagingAttributes.DestinationName));
        Assert.Null(measurement.Tag(MessagingAttributes.ErrorType));
        Assert.Null(measurement.Tag(MessagingAttributes.DestinationTemplate));
    }

    /// <summary>Spans recorded, created but unsampled, nothing listening at all, or MassTransit's own spans bridged.</summary>
    private static IDisposable? Listen(string listener)
    {
        switch (listener)
        {
            case "spans recorded":
                return new SpanCollector();
            case "MassTransit's spans bridged":
                return new SpanCollector(MassTransitAttributes.MassTransitSourceName);
            case "spans unsampled":
                var unsampled = new ActivityListener
                {
                    ShouldListenTo = source => source.Name == MessagingActivitySource.Name,
                    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
                };
                ActivitySource.AddActivityListener(unsampled);
                return unsampled;
            default:
                return null;
        }
    }
}
