using System;
using System.Collections.Generic;
using System.Threading;
using Confluent.Kafka;

namespace Messaging.Tracing.Benchmarks.Wrappers;

/// <summary>
/// A consumer that is never asked to consume: the benchmarks hand consume results to <c>ProcessAsync</c> directly, so
/// what is measured is the wrapper's own work (extract, process scope) around the handler.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed class NullConsumer<TKey, TValue> : IConsumer<TKey, TValue>
{
    /// <inheritdoc/>
    public Handle Handle => throw new NotSupportedException();

    /// <inheritdoc/>
    public string Name => "null-consumer";

    /// <inheritdoc/>
    public string MemberId => string.Empty;

    /// <inheritdoc/>
    public List<TopicPartition> Assignment => [];

    /// <inheritdoc/>
    public List<string> Subscription => [];

    /// <inheritdoc/>
    public IConsumerGroupMetadata ConsumerGroupMetadata => throw new NotSupportedException();

    /// <inheritdoc/>
    public ConsumeResult<TKey, TValue> Consume(int millisecondsTimeout) => throw new NotSupportedException();

    /// <inheritdoc/>
    public ConsumeResult<TKey, TValue> Consume(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <inheritdoc/>
    public ConsumeResult<TKey, TValue> Consume(TimeSpan timeout) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Subscribe(IEnumerable<string> topics)
    {
    }

    /// <inheritdoc/>
    public void Subscribe(string topic)
    {
    }

    /// <inheritdoc/>
    public void Unsubscribe()
    {
    }

    /// <inheritdoc/>
    public void Assign(TopicPartition partition)
    {
    }

    /// <inheritdoc/>
    public void Assign(TopicPartitionOffset partition)
    {
    }

    /// <inheritdoc/>
    public void Assign(IEnumerable<TopicPartitionOffset> partitions)
    {
    }

    /// <inheritdoc/>
    public void Assign(IEnumerable<TopicPartition> partitions)
    {
    }

    /// <inheritdoc/>
    public void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions)
    {
    }

    /// <inheritdoc/>
    public void IncrementalAssign(IEnumerable<TopicPartition> partitions)
    {
    }

    /// <inheritdoc/>
    public void IncrementalUnassign(IEnumerable<TopicPartition> partitions)
    {
    }

    /// <inheritdoc/>
    public void Unassign()
    {
    }

    /// <inheritdoc/>
    public void StoreOffset(ConsumeResult<TKey, TValue> result)
    {
    }

    /// <inheritdoc/>
    public void StoreOffset(TopicPartitionOffset offset)
    {
    }

    /// <inheritdoc/>
    public List<TopicPartitionOffset> Commit() => [];

    /// <inheritdoc/>
    public void Commit(IEnumerable<TopicPartitionOffset> offsets)
    {
    }

    /// <inheritdoc/>
    public void Commit(ConsumeResult<TKey, TValue> result)
    {
    }

    /// <inheritdoc/>
    public void Seek(TopicPartitionOffset tpo)
    {
    }

    /// <inheritdoc/>
    public void Pause(IEnumerable<TopicPartition> partitions)
    {
    }

    /// <inheritdoc/>
    public void Resume(IEnumerable<TopicPartition> partitions)
    {
    }

    /// <inheritdoc/>
    public List<TopicPartitionOffset> Committed(TimeSpan timeout) => [];

    /// <inheritdoc/>
    public List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout) => [];

    /// <inheritdoc/>
    public Offset Position(TopicPartition partition) => Offset.Unset;

    /// <inheritdoc/>
    public List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestampsToSearch, TimeSpan timeout) => [];

    /// <inheritdoc/>
    public WatermarkOffsets GetWatermarkOffsets(TopicPartition topicPartition) => new(Offset.Unset, Offset.Unset);

    /// <inheritdoc/>
    public WatermarkOffsets QueryWatermarkOffsets(TopicPartition topicPartition, TimeSpan timeout) => new(Offset.Unset, Offset.Unset);

    /// <inheritdoc/>
    public void Close()
    {
    }

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
