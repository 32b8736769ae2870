using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;
using Messaging.Tracing.Propagation;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

[Collection(RabbitMqBroker.CollectionName)]
public sealed class RabbitMqBrokerTests(RabbitMqBroker broker)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Message_with_traceparent_header_arrives_byte_identical()
    {
        ActivityContext sent = TestContexts.FromSampledActivity();
        byte[] traceparent = TraceParentCodec.FormatUtf8(sent);
        byte[] body = Encoding.UTF8.GetBytes("{\"order\":42,\"note\":\"smoke\"}");
        string queue = broker.UniqueName("smoke.rabbitmq");

        await using IChannel channel = await broker.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: true);

        var received = new TaskCompletionSource<(byte[] Body, IDictionary<string, object?>? Headers)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            // The body memory belongs to the client only while the handler runs: copy it.
            received.TrySetResult((delivery.Body.ToArray(), delivery.BasicProperties.Headers));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);

        var properties = new BasicProperties
        {
            MessageId = Guid.NewGuid().ToString(),
            Headers = new Dictionary<string, object?> { ["traceparent"] = traceparent },
        };
        await channel.BasicPublishAsync(exchange: string.Empty, routingKey: queue, mandatory: true, basicProperties: properties, body: body);

        (byte[] receivedBody, IDictionary<string, object?>? headers) = await received.Task.WaitAsync(DeliveryTimeout);

        Assert.Equal(body, receivedBody);
        Assert.NotNull(headers);
        byte[] receivedTraceParent = Assert.IsType<byte[]>(headers["traceparent"]);
        Assert.Equal(traceparent, receivedTraceParent);
        Assert.True(TraceParentCodec.TryParse(receivedTraceParent, out ActivityContext parsed));
        Assert.Equal(sent.TraceId, parsed.TraceId);
        Assert.Equal(sent.SpanId, parsed.SpanId);
        Assert.Equal(sent.TraceFlags, parsed.TraceFlags);
    }

    [Fact]
    public void Unique_names_differ_and_keep_the_prefix()
    {
        string first = broker.UniqueName("orders");
        string second = broker.UniqueName("orders");

        Assert.StartsWith("orders-", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Unreachable_broker_fails_with_a_message_naming_the_fix()
    {
        // Port 1 (tcpmux) is not an AMQP broker on any test machine.
        var unreachable = new RabbitMqBroker("amqp://guest:secret@127.0.0.1:1/");

        var error = await Assert.ThrowsAsync<BrokerUnavailableException>(unreachable.InitializeAsync);

        Assert.Contains("RabbitMQ is not reachable at amqp://127.0.0.1:1/", error.Message, StringComparison.Ordinal);
        Assert.Contains("eng/brokers.sh", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        await unreachable.DisposeAsync();
    }
}
