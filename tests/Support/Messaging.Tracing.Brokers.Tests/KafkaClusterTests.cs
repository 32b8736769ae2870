using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Confluent.Kafka;
using Messaging.Tracing.Propagation;
using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

[Collection(KafkaCluster.CollectionName)]
public sealed class KafkaClusterTests(KafkaCluster cluster)
{
    // A new consumer group's first join waits 3 s on the mock cluster.
    private static readonly TimeSpan ConsumeTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Message_with_trace_headers_arrives_byte_identical_through_a_consumer_group()
    {
        ActivityContext sent = TestContexts.FromSampledActivity();
        byte[] traceparent = TraceParentCodec.FormatUtf8(sent);
        byte[] tenant = Encoding.UTF8.GetBytes("tenant-7");
        byte[] value = [0x00, 0x01, 0xFE, 0xFF, 0x7B, 0x7D];
        string topic = cluster.UniqueTopic("smoke.kafka");
        await cluster.CreateTopicAsync(topic);

        using (IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(cluster.CreateProducerConfig()).Build())
        {
            var message = new Message<Null, byte[]>
            {
                Value = value,
                Headers = new Headers { { "traceparent", traceparent }, { "x-tenant", tenant } },
            };
            DeliveryResult<Null, byte[]> delivered = await producer.ProduceAsync(topic, message);
            Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        }

        using IConsumer<Ignore, byte[]> consumer = new ConsumerBuilder<Ignore, byte[]>(cluster.CreateConsumerConfig()).Build();
        consumer.Subscribe(topic);
        ConsumeResult<Ignore, byte[]> received = KafkaCluster.ConsumeNext(consumer, ConsumeTimeout, $"the message on {topic}");
        consumer.Close();

        Assert.Equal(value, received.Message.Value);
        Assert.Equal(new[] { "traceparent", "x-tenant" }, received.Message.Headers.Select(h => h.Key));
        Assert.True(received.Message.Headers.TryGetLastBytes("traceparent", out byte[] receivedTraceParent));
        Assert.Equal(traceparent, receivedTraceParent);
        Assert.True(received.Message.Headers.TryGetLastBytes("x-tenant", out byte[] receivedTenant));
        Assert.Equal(tenant, receivedTenant);
        Assert.True(TraceParentCodec.TryParse(receivedTraceParent, out ActivityContext parsed));
        Assert.Equal(sent.TraceId, parsed.TraceId);
        Assert.Equal(sent.SpanId, parsed.SpanId);
    }

    [Fact]
    public async Task Created_topic_has_a_leader_for_every_partition()
    {
        string topic = cluster.UniqueTopic("smoke.kafka.partitions");

        int partitions = await cluster.CreateTopicAsync(topic);

        Assert.Equal(cluster.IsMockCluster ? KafkaCluster.MockPartitionCount : 1, partitions);
        Assert.All(cluster.GetPartitions(topic), p => Assert.True(p.Leader >= 0, $"partition {p.PartitionId} has no leader"));
    }

    [Fact]
    public void Bootstrap_servers_list_every_broker()
    {
        string[] servers = cluster.BootstrapServers.Split(',');

        if (cluster.IsMockCluster)
        {
            Assert.Equal(KafkaCluster.MockBrokerCount, servers.Length);
        }

        Assert.All(servers, s => Assert.Matches(@"^[^:,\s]+:\d+$", s));
    }

    [Fact]
    public void Consumer_configs_get_distinct_groups_and_read_from_the_start()
    {
        ConsumerConfig first = cluster.CreateConsumerConfig();
        ConsumerConfig second = cluster.CreateConsumerConfig();

        Assert.NotEqual(first.GroupId, second.GroupId);
        Assert.Equal(AutoOffsetReset.Earliest, first.AutoOffsetReset);
        Assert.Equal(cluster.BootstrapServers, first.BootstrapServers);
        Assert.Equal("shared", cluster.CreateConsumerConfig("shared").GroupId);
    }

    [Fact]
    public async Task Unreachable_configured_cluster_fails_with_a_message_naming_the_fix()
    {
        var unreachable = new KafkaCluster("127.0.0.1:1", TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<BrokerUnavailableException>(unreachable.InitializeAsync);

        Assert.Contains("Kafka is not reachable at 127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.Contains(KafkaCluster.BootstrapServersVariable, error.Message, StringComparison.Ordinal);
        await unreachable.DisposeAsync();
    }
}
