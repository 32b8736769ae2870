using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Brokers;
using Messaging.Tracing.RabbitMQ;
using RabbitMQ.Client;
using Xunit;
using Xunit.Abstractions;

namespace Messaging.Tracing.Reliability.Tests.Soak;

/// <summary>
/// RabbitMQ.Client soak on the shared broker: <c>BasicPublishTracedAsync</c> with publisher confirms and many publishes in
/// flight; a <see cref="TracedAsyncEventingBasicConsumer"/> with a prefetch of <see cref="Prefetch"/> on a channel whose
/// dispatcher runs <see cref="DispatchConcurrency"/> deliveries at once, acking each after its handler.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class RabbitMqSoakTests(RabbitMqBroker broker, ITestOutputHelper output) : IClassFixture<RabbitMqBroker>
{
    private const int ProducerConcurrency = 32;
    private const ushort Prefetch = 64;
    private const ushort DispatchConcurrency = 8;

    [Fact]
    public async Task Concurrent_deliveries_keep_each_message_its_own_context_and_lose_nothing()
    {
        string queue = broker.UniqueName("soak");

        // Channels are created outside any span: RabbitMQ.Client's dispatcher keeps the context of that moment.
        await using IChannel publisher = await broker.Connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await using IChannel consuming = await broker.Connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false, consumerDispatchConcurrency: DispatchConcurrency));
        await consuming.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: true);
        await consuming.BasicQosAsync(prefetchSize: 0, prefetchCount: Prefetch, global: false);

        using var run = new SoakRun("rabbitmq", SoakSettings.Messages);
        var consumer = new AmbientCheckingConsumer(consuming, queue, run);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await run.HandleAsync(Encoding.ASCII.GetString(delivery.Body.Span));
            await consuming.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        string consumerTag = await consuming.BasicConsumeAsync(queue, autoAck: false, consumer);

        var properties = new BasicProperties { ContentType = "text/plain" };
        SoakReport report = await run.RunAsync(
            (_, payload) => publisher.BasicPublishTracedAsync(MessagingTracer.Default, string.Empty, queue, mandatory: true, properties, Encoding.ASCII.GetBytes(payload)).AsTask(),
            ProducerConcurrency);
        await consuming.BasicCancelAsync(consumerTag);

        output.WriteLine(report.ToReportLine());
        report.AssertHealthy();
    }
}
