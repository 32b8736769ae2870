using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Confluent.Kafka;
using EventSourcing.EventStore;
using Messaging.Tracing;
using Messaging.Tracing.Kafka;

namespace EventSourcing.Kafka;

/// <summary>
/// Publishes stored events to the events topic through Messaging.Tracing's traced producer: one <c>send band-events</c>
/// span per event (a child of the append span that is current), whose context the message headers carry.
/// The key is the stream id, so a band's events stay in order on one partition.
/// </summary>
public sealed class KafkaEventPublisher : IDisposable
{
    /// <summary>The Kafka header with the event id.</summary>
    public const string EventIdHeader = "event-id";

    /// <summary>The Kafka header with the event type.</summary>
    public const string EventTypeHeader = "event-type";

    private readonly TracedProducer<string, string> _producer;
    private readonly string _topic;

    /// <summary>Initializes a new instance of the <see cref="KafkaEventPublisher"/> class.</summary>
    /// <param name="connection">Where Kafka is.</param>
    /// <param name="settings">The settings (topic).</param>
    /// <param name="tracer">The tracer.</param>
    public KafkaEventPublisher(KafkaConnection connection, SampleSettings settings, MessagingTracer tracer)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(settings);
        var config = new ProducerConfig
        {
            BootstrapServers = connection.BootstrapServers,
            ClientId = "band-reviews",
            Acks = Acks.All,
            LingerMs = 0,
            MessageTimeoutMs = 15_000,
        };
        _producer = new TracedProducerBuilder<string, string>(config, tracer).Build();
        _topic = settings.EventsTopic;
    }

    /// <summary>Gets the producer's handle (admin clients for topic setup are built on it).</summary>
    public Handle Handle => _producer.Handle;

    /// <summary>Publishes the events, in order, each awaited until the cluster acknowledged it.</summary>
    /// <param name="events">The stored events.</param>
    /// <param name="cancellationToken">Cancels the wait for the acknowledgements.</param>
    /// <returns>A task that completes when every event was delivered.</returns>
    public async Task PublishAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (StoredEvent stored in events)
        {
            var message = new Message<string, string>
            {
                Key = stored.StreamId,
                Value = EventSerializer.SerializeStored(stored),
                Headers = new Headers
                {
                    { EventIdHeader, Encoding.ASCII.GetBytes(stored.EventId.ToString("D")) },
                    { EventTypeHeader, Encoding.UTF8.GetBytes(stored.Type) },
                },
            };
            await _producer.ProduceAsync(_topic, message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Flushes and closes the producer.</summary>
    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
