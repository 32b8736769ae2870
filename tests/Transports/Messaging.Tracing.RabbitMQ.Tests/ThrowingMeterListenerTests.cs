using System;
using System.Diagnostics.Metrics;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Instruments;
using RabbitMQ.Client;
using Xunit;

namespace Messaging.Tracing.RabbitMQ.Tests;

/// <summary>
/// A <see cref="MeterListener"/> whose callbacks throw, for every test running beside it: in
/// <see cref="RabbitMqClientTracingCollection"/>, which runs alone.
/// </summary>
[Collection(RabbitMqClientTracingCollection.Name)]
public class ThrowingMeterListenerTests(RabbitMqBroker broker)
{
    [Fact]
    public async Task A_throwing_MeterListener_neither_fails_a_publish_nor_a_delivery()
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
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker, publisherConfirms: true);
        var handled = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, (delivery, _) =>
        {
            handled.TrySetResult(delivery.BasicProperties.MessageId);
            return Task.CompletedTask;
        });

        await queue.PublishTracedAsync(new BasicProperties { MessageId = "m-1", Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()) });

        Assert.Equal("m-1", await handled.Task.WaitAsync(RabbitMqTestQueue.Timeout));

        // The listener was called, and threw, for the publish and for the delivery.
        Assert.True(System.Threading.Volatile.Read(ref thrown) >= 2, $"{thrown} measurement(s) reached the listener");
    }

    private static void Throw(ref int thrown)
    {
        System.Threading.Interlocked.Increment(ref thrown);
        throw new InvalidOperationException("listener bug");
    }
}
