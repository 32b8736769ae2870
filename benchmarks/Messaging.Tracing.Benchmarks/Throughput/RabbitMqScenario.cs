using System;
using System.Threading;
using System.Threading.Tasks;
using Messaging.Tracing.RabbitMQ;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Messaging.Tracing.Benchmarks.Throughput;

/// <summary>
/// RabbitMQ through RabbitMQ.Client on the broker of <c>RABBITMQ_URI</c> (loopback by default): publish to a fresh
/// exclusive queue without publisher confirms, consume with auto-ack. Off: <c>BasicPublishAsync</c> and an
/// <see cref="AsyncEventingBasicConsumer"/>; traced: <c>BasicPublishTracedAsync</c> and a
/// <see cref="TracedAsyncEventingBasicConsumer"/>.
/// </summary>
public sealed class RabbitMqScenario : IThroughputScenario
{
    private const string DefaultUri = "amqp://guest:guest@localhost:5672/";
    private const int PayloadSize = 256;

    private readonly ReadOnlyMemory<byte> _body = new byte[PayloadSize];
    private IConnection? _connection;

    /// <summary>Initializes a new instance of the <see cref="RabbitMqScenario"/> class.</summary>
    /// <param name="messages">Messages per measured run.</param>
    public RabbitMqScenario(int messages) => Messages = messages;

    /// <inheritdoc/>
    public string Name => "RabbitMQ (RabbitMQ.Client 7, loopback broker)";

    /// <inheritdoc/>
    public int Messages { get; }

    /// <inheritdoc/>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var uri = new Uri(Environment.GetEnvironmentVariable("RABBITMQ_URI") ?? DefaultUri);
        if (!uri.IsLoopback)
        {
            throw new InvalidOperationException($"The throughput harness only uses loopback brokers; RABBITMQ_URI names {uri.Host}.");
        }

        var factory = new ConnectionFactory { Uri = uri, AutomaticRecoveryEnabled = false };
        _connection = await factory.CreateConnectionAsync("Messaging.Tracing.Benchmarks", cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<RunResult> RunAsync(ThroughputMode mode, TracingSession session, int messages, CancellationToken cancellationToken)
    {
        IConnection connection = _connection ?? throw new InvalidOperationException("Not initialized.");
        bool traced = mode != ThroughputMode.Off;
        await using IChannel consumerChannel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await using IChannel publisherChannel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        QueueDeclareOk queue = await consumerChannel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken);

        var meter = new RunMeter(messages);
        AsyncEventingBasicConsumer consumer = traced
            ? new TracedAsyncEventingBasicConsumer(consumerChannel, MessagingTracer.Default, queue.QueueName)
            : new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += (_, _) =>
        {
            meter.Handled();
            return Task.CompletedTask;
        };
        await consumerChannel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, cancellationToken);

        var properties = new BasicProperties { ContentType = "application/octet-stream", MessageId = "order" };
        meter.Start(session);
        for (int i = 0; i < messages; i++)
        {
            if (traced)
            {
                await publisherChannel.BasicPublishTracedAsync(MessagingTracer.Default, string.Empty, queue.QueueName, mandatory: false, properties, _body, cancellationToken: cancellationToken);
            }
            else
            {
                await publisherChannel.BasicPublishAsync(string.Empty, queue.QueueName, mandatory: false, properties, _body, cancellationToken);
            }
        }

        await meter.AllHandled.WaitAsync(cancellationToken);
        return meter.Stop(session);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.CloseAsync();
            await _connection.DisposeAsync();
        }
    }
}
