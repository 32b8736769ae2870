using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace EventSourcing.Kafka;

/// <summary>Makes sure the events topic exists and returns its partitions.</summary>
public static class KafkaTopic
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Looks the topic up — which auto-creates it where the cluster allows (the embedded mock cluster always does) — and
    /// creates it with CreateTopics when it is still missing, then waits (bounded) until every partition has a leader.
    /// </summary>
    /// <param name="admin">An admin client of a producer handle (its metadata requests may auto-create topics).</param>
    /// <param name="topic">The topic.</param>
    /// <param name="partitions">Partitions for CreateTopics.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The topic's partitions.</returns>
    public static async Task<IReadOnlyList<TopicPartition>> EnsureAsync(IAdminClient admin, string topic, int partitions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(admin);
        if (Lookup(admin, topic) is null)
        {
            try
            {
                await admin.CreateTopicsAsync(
                    [new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }],
                    new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(10), OperationTimeout = TimeSpan.FromSeconds(10) }).ConfigureAwait(false);
            }
            catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError))
            {
                // Created meanwhile by another instance: fine.
            }
        }

        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (Lookup(admin, topic) is { } metadata && metadata.Partitions.Count > 0 && metadata.Partitions.All(p => p.Leader >= 0))
            {
                return metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).OrderBy(p => p.Partition.Value).ToArray();
            }

            if (stopwatch.Elapsed > Timeout)
            {
                throw new TimeoutException($"Kafka topic {topic} has no leader for every partition after {Timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    private static TopicMetadata? Lookup(IAdminClient admin, string topic)
    {
        Metadata metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        TopicMetadata? found = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
        return found is { Error.Code: ErrorCode.NoError } ? found : null;
    }
}
