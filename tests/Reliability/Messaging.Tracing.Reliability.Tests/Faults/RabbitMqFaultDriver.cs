using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.RabbitMQ;
using RabbitMQ.Client;

namespace Messaging.Tracing.Reliability.Tests.Faults;

/// <summary>RabbitMQ.Client: <c>BasicPublishTracedAsync</c> with publisher confirms and <c>BasicConsumeTracedAsync</c> on the shared node.</summary>
/// <param name="broker">The node.</param>
public sealed class RabbitMqFaultDriver(RabbitMqBroker broker) : IFaultDriver
{
    /// <summary>Unacknowledged deliveries the consumer holds at once.</summary>
    private const ushort Prefetch = 50;

    /// <inheritdoc/>
    public string Transport => "rabbitmq";

    /// <inheritdoc/>
    public async Task<FaultRun> RunAsync(InjectedFault fault, IReadOnlyList<TestMessage> messages, string poisonId)
    {
        var options = new RabbitMqTracingOptions { ExchangeFilter = fault.Filter, QueueFilter = fault.Filter };
        string queue = broker.UniqueName("faults");
        using var cancel = new CancellationTokenSource(FaultToleranceTests.RunTimeout);
        await using IChannel publisher = await broker.Connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await publisher.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false, cancellationToken: cancel.Token);
        try
        {
            var run = new FaultRun();
            await using IChannel consuming = await broker.Connection.CreateChannelAsync();
            await consuming.BasicQosAsync(0, Prefetch, global: false);

            // RabbitMQ.Client reports a handler's exception through the channel's CallbackExceptionAsync.
            consuming.CallbackExceptionAsync += (_, e) =>
            {
                if (e.Exception is ApplicationFaultException || e.Exception.InnerException is ApplicationFaultException)
                {
                    run.Surfaced();
                }

                return Task.CompletedTask;
            };
            await consuming.BasicConsumeTracedAsync(fault.Tracer, queue, autoAck: false, async (delivery, ct) =>
            {
                await consuming.BasicAckAsync(delivery.DeliveryTag, multiple: false, ct);
                run.Handle(delivery.BasicProperties.MessageId!, delivery.Body.ToArray(), poisonId);
            }, options, cancel.Token);

            foreach (TestMessage message in messages)
            {
                var properties = new BasicProperties { MessageId = message.Id, Headers = new Dictionary<string, object?>() };
                await publisher.BasicPublishTracedAsync(fault.Tracer, string.Empty, queue, mandatory: true, properties, message.Payload, options, cancel.Token);
            }

            await Wait.UntilAsync(() => run.Received.Count == messages.Count && run.ApplicationFaultsSurfaced > 0, FaultToleranceTests.RunTimeout, $"{messages.Count} messages on {queue}");
            return run;
        }
        finally
        {
            using var deleting = new CancellationTokenSource(FaultToleranceTests.RunTimeout);
            await publisher.QueueDeleteAsync(queue, cancellationToken: deleting.Token);
        }
    }
}
