using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Confluent.Kafka;

namespace Messaging.Tracing.Benchmarks.Wrappers;

/// <summary>
/// A producer that sends nothing and reports every message delivered at once, on the calling thread: what is left of a
/// produce call is the wrapper's own work (message copy, span, inject, delivery-report hook).
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class NullProducer<TKey, TValue> : IProducer<TKey, TValue>
{
    private const int Partition = 0;

    // librdkafka reports every delivery with an error object, NoError on success.
    private static readonly Error NoError = new(ErrorCode.NoError);

    private long _offset;

    /// <inheritdoc/>
    public Handle Handle => throw new NotSupportedException();

    /// <inheritdoc/>
    public string Name => "null-producer";

    /// <inheritdoc/>
    public Task<DeliveryResult<TKey, TValue>> ProduceAsync(string topic, Message<TKey, TValue> message, CancellationToken cancellationToken = default)
        => ProduceAsync(new TopicPartition(topic, Confluent.Kafka.Partition.Any), message, cancellationToken);

    /// <inheritdoc/>
    public Task<DeliveryResult<TKey, TValue>> ProduceAsync(TopicPartition topicPartition, Message<TKey, TValue> message, CancellationToken cancellationToken = default)
        => Task.FromResult(new DeliveryResult<TKey, TValue>
        {
            Message = message,
            TopicPartitionOffset = new TopicPartitionOffset(topicPartition.Topic, Partition, _offset++),
            Status = PersistenceStatus.Persisted,
        });

    /// <inheritdoc/>
    public void Produce(string topic, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? deliveryHandler = null)
        => Produce(new TopicPartition(topic, Confluent.Kafka.Partition.Any), message, deliveryHandler);

    /// <inheritdoc/>
    public void Produce(TopicPartition topicPartition, Message<TKey, TValue> message, Action<DeliveryReport<TKey, TValue>>? deliveryHandler = null)
        => deliveryHandler?.Invoke(new DeliveryReport<TKey, TValue>
        {
            Message = message,
            TopicPartitionOffset = new TopicPartitionOffset(topicPartition.Topic, Partition, _offset++),
            Status = PersistenceStatus.Persisted,
            Error = NoError,
        });

    /// <inheritdoc/>
    public int Poll(TimeSpan timeout) => 0;

    /// <inheritdoc/>
    public int Flush(TimeSpan timeout) => 0;

    /// <inheritdoc/>
    public void Flush(CancellationToken cancellationToken = default)
    {
    }

    /// <inheritdoc/>
    public void InitTransactions(TimeSpan timeout) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void BeginTransaction() => throw new NotSupportedException();

    /// <inheritdoc/>
    public void CommitTransaction(TimeSpan timeout) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void CommitTransaction() => throw new NotSupportedException();

    /// <inheritdoc/>
    public void AbortTransaction(TimeSpan timeout) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void AbortTransaction() => throw new NotSupportedException();

    /// <inheritdoc/>
    public void SendOffsetsToTransaction(IEnumerable<TopicPartitionOffset> offsets, IConsumerGroupMetadata groupMetadata, TimeSpan timeout)
        => throw new NotSupportedException();

    /// <inheritdoc/>
    public int AddBrokers(string brokers) => 0;

    /// <inheritdoc/>
    public void SetSaslCredentials(string username, string password)
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
