using System.Collections.Generic;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.Instruments;
using Messaging.Tracing.Testing;
using RabbitMQ.Client;
using Xunit;

namespace Messaging.Tracing.RabbitMQ.Tests;

/// <summary>
/// With RabbitMQ.Client's own activity sources listened: its publish span stands for ours and its deliver span is bridged
/// (or set aside) — each publish and each delivery is still measured exactly once.
/// </summary>
[Collection(RabbitMqClientTracingCollection.Name)]
public class RabbitMqClientInstrumentationMetricsTests(RabbitMqBroker broker)
{
    public static TheoryData<MessageRelationship, bool> Cases
    {
        get
        {
            // FollowsFrom: the deliver span is bridged. NewTrace: bridged when it is a root (UsePublisherAsParent false, 7.1),
            // set aside for this library's own process span when it is the producer's child.
            var data = new TheoryData<MessageRelationship, bool>();
            foreach (bool publisherAsParent in UsePublisherAsParentSetting.Values)
            {
                data.Add(MessageRelationship.FollowsFrom, publisherAsParent);
                data.Add(MessageRelationship.NewTrace, publisherAsParent);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_publish_and_each_delivery_is_measured_once(MessageRelationship relationship, bool publisherAsParent)
    {
        using var setting = new UsePublisherAsParentSetting(publisherAsParent);
        using var measurements = new MeasurementCollector();
        using var collector = new SpanCollector(RabbitMQActivitySource.PublisherSourceName, RabbitMQActivitySource.SubscriberSourceName);
        await using RabbitMqTestQueue queue = await RabbitMqTestQueue.CreateAsync(broker, publisherConfirms: true);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await queue.Consumer.BasicConsumeTracedAsync(MessagingTracer.Default, queue.Name, autoAck: true, async (delivery, _) =>
        {
            if (delivery.BasicProperties.MessageId == "m-2")
            {
                secondStarted.TrySetResult();
                await releaseSecond.Task;
            }
        }, new RabbitMqTracingOptions { Relationship = relationship });

        await queue.PublishTracedAsync(new BasicProperties { MessageId = "m-1" });
        await queue.PublishTracedAsync(new BasicProperties { MessageId = "m-2" });

        // Deliveries are dispatched one after the other: while the second one's handler runs, the first one is done.
        await secondStarted.Task.WaitAsync(RabbitMqTestQueue.Timeout);
        Assert.Single(measurements.For(MessagingMeter.ProcessDuration, queue.ProcessDestination));
        Assert.Equal(2, measurements.Sum(MessagingMeter.ConsumedMessages, queue.ProcessDestination));
        releaseSecond.TrySetResult();
        IReadOnlyList<RecordedMeasurement> processed = await measurements.WaitForAsync(MessagingMeter.ProcessDuration, queue.ProcessDestination, 2, RabbitMqTestQueue.Timeout);
        Assert.Equal(2, processed.Count);
        Assert.All(processed, m => Assert.Equal("rabbitmq", m.Tag("messaging.system")));
        Assert.Equal(2, measurements.Sum(MessagingMeter.SentMessages, queue.Destination));
        Assert.Equal(2, measurements.For(MessagingMeter.ClientOperationDuration, queue.Destination).Count);
    }
}
