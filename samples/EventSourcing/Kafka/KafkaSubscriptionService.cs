using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Confluent.Kafka;
using EventSourcing.EventStore;
using EventSourcing.Projections;
using EventSourcing.Telemetry;
using Messaging.Tracing;
using Messaging.Tracing.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventSourcing.Kafka;

/// <summary>
/// Feeds every <see cref="IEventSubscriber"/> from the events topic, each with its own traced Kafka consumer on a
/// dedicated thread. Handlers run inside the consumer's <c>process band-events</c> span
/// (<see cref="TracedConsumer{TKey, TValue}.ConsumeAndProcessAsync(TimeSpan, Func{ConsumeResult{TKey, TValue}, CancellationToken, Task}, CancellationToken)"/>),
/// which follows from the producer's send span.
/// </summary>
/// <remarks>
/// The consumers assign themselves every partition at their group's committed offset (the beginning the first time)
/// instead of subscribing, so no group join (and no rebalance delay) stands between an append and its projections.
/// The offset of a message is stored once its handler succeeded and committed in the background.
/// </remarks>
public sealed class KafkaSubscriptionService : IHostedService, IDisposable
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    private readonly KafkaConnection _connection;
    private readonly SampleSettings _settings;
    private readonly MessagingTracer _tracer;
    private readonly KafkaEventPublisher _publisher;
    private readonly IReadOnlyList<IEventSubscriber> _subscribers;
    private readonly ILogger<KafkaSubscriptionService> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<(Thread Thread, TracedConsumer<string, string> Consumer)> _running = new();

    /// <summary>Initializes a new instance of the <see cref="KafkaSubscriptionService"/> class.</summary>
    /// <param name="connection">Where Kafka is.</param>
    /// <param name="settings">The settings.</param>
    /// <param name="tracer">The tracer.</param>
    /// <param name="publisher">The publisher, whose handle serves for the topic setup.</param>
    /// <param name="subscribers">The subscribers.</param>
    /// <param name="logger">The logger.</param>
    public KafkaSubscriptionService(
        KafkaConnection connection,
        SampleSettings settings,
        MessagingTracer tracer,
        KafkaEventPublisher publisher,
        IEnumerable<IEventSubscriber> subscribers,
        ILogger<KafkaSubscriptionService> logger)
    {
        _connection = connection;
        _settings = settings;
        _tracer = tracer;
        _publisher = publisher;
        // On Marten the subscribers run on Marten's daemon: Kafka then only carries the published events.
        _subscribers = settings.EventStore == EventStoreKind.Marten ? [] : subscribers.ToArray();
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<TopicPartition> partitions;
        using (IAdminClient admin = new DependentAdminClientBuilder(_publisher.Handle).Build())
        {
            partitions = await KafkaTopic.EnsureAsync(admin, _settings.EventsTopic, _settings.KafkaPartitions, cancellationToken).ConfigureAwait(false);
        }

        foreach (IEventSubscriber subscriber in _subscribers)
        {
            var config = new ConsumerConfig
            {
                BootstrapServers = _connection.BootstrapServers,
                GroupId = _settings.NamePrefix + subscriber.Name,
                ClientId = "band-reviews-" + subscriber.Name,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                EnableAutoCommit = true,
                EnableAutoOffsetStore = false,
                FetchWaitMaxMs = 50,
                EnablePartitionEof = false,
            };
            // Confluent's fluent Set… methods return the base builder, so the traced builder is configured statement by statement.
            var builder = new TracedConsumerBuilder<string, string>(config, _tracer);
            builder.SetLogHandler((_, message) => SampleLog.Librdkafka(_logger, message.Level.ToString(), message.Facility, message.Message));
            builder.SetErrorHandler((_, error) => SampleLog.KafkaError(_logger, subscriber.Name, error.Reason));
            TracedConsumer<string, string> consumer = builder.Build();
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Stored)));
            var thread = new Thread(() => Run(consumer, subscriber, _stopping.Token))
            {
                IsBackground = true,
                Name = "kafka-" + subscriber.Name,
            };
            _running.Add((thread, consumer));
            thread.Start();
            SampleLog.SubscriberStarted(_logger, subscriber.Name, _settings.EventsTopic, partitions.Count);
        }
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stop();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop(); // also when the host never stopped it (a later service failed to start)
        _stopping.Dispose();
    }

    /// <summary>Stops the loops, then closes the consumers (committing the stored offsets); stopping twice is harmless.</summary>
    private void Stop()
    {
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
        }

        foreach ((Thread thread, TracedConsumer<string, string> consumer) in _running)
        {
            thread.Join(TimeSpan.FromSeconds(10));
            consumer.Close();
            consumer.Dispose();
        }

        _running.Clear();
    }

    private void Run(TracedConsumer<string, string> consumer, IEventSubscriber subscriber, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                consumer.ConsumeAndProcessAsync(PollTimeout, (result, ct) => HandleAsync(consumer, subscriber, result, ct), stopping)
                    .GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ConsumeException ex)
            {
                SampleLog.KafkaError(_logger, subscriber.Name, ex.Error.Reason);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The process span recorded the exception; the message is skipped (a real service would dead-letter it).
                SampleLog.SubscriberFailed(_logger, ex, subscriber.Name);
            }
        }
    }

    private static async Task HandleAsync(TracedConsumer<string, string> consumer, IEventSubscriber subscriber, ConsumeResult<string, string> result, CancellationToken cancellationToken)
    {
        StoredEvent stored = EventSerializer.DeserializeStored(result.Message.Value);
        await subscriber.HandleAsync(stored, cancellationToken).ConfigureAwait(false);
        consumer.StoreOffset(result);
    }
}
