using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Xunit;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// Test fixture for a Kafka cluster: the one named by <c>KAFKA_BOOTSTRAP_SERVERS</c> when it is set, a Kafka container
/// when the run's <see cref="BrokerEnvironment.Provider"/> is Testcontainers with registry images (docs/testcontainers.md),
/// otherwise librdkafka's in-process mock cluster (three brokers speaking the Kafka protocol,
/// headers and consumer groups included; docs/architecture.md §6). Exposes <see cref="BootstrapServers"/> and
/// configuration factories for producers and consumers with test-friendly settings.
/// </summary>
/// <remarks>
/// <para>
/// The mock cluster lives inside a producer handle that this fixture keeps open until it is disposed;
/// its brokers listen on local ports read from the cluster metadata, so any client in the process
/// (or another process on the machine) reaches them through <see cref="BootstrapServers"/>.
/// </para>
/// <para>
/// Limits of the mock cluster (librdkafka 2.16.0): it does not implement the CreateTopics request
/// (an admin client's CreateTopicsAsync waits 60 s for a controller and times out), so
/// <see cref="CreateTopicAsync"/> creates topics there through auto-creation, which always gives
/// <see cref="MockPartitionCount"/> partitions; and a new consumer group's first join waits the
/// mock's <c>group.initial.rebalance.delay.ms</c> of 3 s, so allow about 10 s for a first message.
/// </para>
/// <para>
/// Use it as <c>IClassFixture&lt;KafkaCluster&gt;</c>, or share one per test assembly: xunit 2 only
/// finds collection definitions in the test assembly itself, so each test project declares its own
/// <code>
/// [CollectionDefinition(KafkaCluster.CollectionName)]
/// public sealed class KafkaCollection : ICollectionFixture&lt;KafkaCluster&gt;;
/// </code>
/// and marks its test classes <c>[Collection(KafkaCluster.CollectionName)]</c>. Tests isolate
/// themselves with <see cref="UniqueTopic"/> and the unique group ids of
/// <see cref="CreateConsumerConfig"/>. When a cluster named by <c>KAFKA_BOOTSTRAP_SERVERS</c> is
/// unreachable, or librdkafka cannot be loaded, <see cref="InitializeAsync"/> throws
/// <see cref="BrokerUnavailableException"/>: the tests fail, they are never skipped.
/// </para>
/// </remarks>
public sealed class KafkaCluster : IAsyncLifetime
{
    /// <summary>Name for the test assembly's <c>[CollectionDefinition]</c> of this fixture.</summary>
    public const string CollectionName = "Kafka";

    /// <summary>The environment variable naming a real cluster: <c>KAFKA_BOOTSTRAP_SERVERS</c>.</summary>
    public const string BootstrapServersVariable = "KAFKA_BOOTSTRAP_SERVERS";

    /// <summary>Number of brokers of the mock cluster.</summary>
    public const int MockBrokerCount = 3;

    /// <summary>Partitions of every topic on the mock cluster (its auto-creation default).</summary>
    public const int MockPartitionCount = 4;

    private readonly string? _configuredServers;
    private readonly bool _inContainer;
    private readonly TimeSpan _metadataTimeout;
    private IProducer<Null, Null>? _mockHost;
    private IAdminClient? _admin;
    private string? _bootstrapServers;

    /// <summary>
    /// Creates the fixture for <c>KAFKA_BOOTSTRAP_SERVERS</c>; when it is unset, a Kafka container when this run's
    /// <see cref="BrokerEnvironment.Provider"/> is Testcontainers with registry images, else the mock cluster.
    /// </summary>
    public KafkaCluster()
        : this(Environment.GetEnvironmentVariable(BootstrapServersVariable))
    {
        _inContainer = _configuredServers is null && BrokerEnvironment.Provider == BrokerProvider.Testcontainers && BrokerContainers.RunsKafka;
    }

    /// <summary>Creates the fixture for <paramref name="bootstrapServers"/>, or the mock cluster when empty (tests of the fixture itself).</summary>
    internal KafkaCluster(string? bootstrapServers, TimeSpan? metadataTimeout = null)
    {
        _configuredServers = string.IsNullOrWhiteSpace(bootstrapServers) ? null : bootstrapServers.Trim();
        _metadataTimeout = metadataTimeout ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>Whether this is librdkafka's in-process mock cluster (<c>KAFKA_BOOTSTRAP_SERVERS</c> unset, no Kafka container).</summary>
    public bool IsMockCluster => _configuredServers is null && !_inContainer;

    /// <summary>The cluster's <c>host:port</c> list, available after <see cref="InitializeAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">The fixture is not initialized.</exception>
    public string BootstrapServers => _bootstrapServers ?? throw new InvalidOperationException("The Kafka fixture is not initialized.");

    /// <summary>An admin client for the cluster, owned by the fixture.</summary>
    /// <exception cref="InvalidOperationException">The fixture is not initialized.</exception>
    public IAdminClient AdminClient => _admin ?? throw new InvalidOperationException("The Kafka fixture is not initialized.");

    /// <summary>Returns a topic name no other test or run uses: <c>{prefix}-{guid}</c>.</summary>
    /// <param name="prefix">Letters, digits, <c>.</c>, <c>_</c> or <c>-</c>.</param>
    /// <returns>The unique name.</returns>
    public string UniqueTopic(string prefix) => UniqueNames.Create(prefix);

    /// <summary>
    /// Producer settings for the cluster: acks from all replicas, no batching delay, and a 10 s
    /// delivery timeout so a broken cluster fails a test instead of hanging it.
    /// </summary>
    /// <returns>A new configuration the caller may change.</returns>
    public ProducerConfig CreateProducerConfig() => new()
    {
        BootstrapServers = BootstrapServers,
        ClientId = "messaging-tracing-tests",
        Acks = Acks.All,
        LingerMs = 0,
        MessageTimeoutMs = 10_000,
    };

    /// <summary>
    /// Consumer settings for the cluster: a unique group id (unless given), reading from the earliest
    /// offset, short session timeout and heartbeats, and short fetch waits.
    /// </summary>
    /// <param name="groupId">The consumer group; a unique one when <see langword="null"/>.</param>
    /// <returns>A new configuration the caller may change.</returns>
    public ConsumerConfig CreateConsumerConfig(string? groupId = null) => new()
    {
        BootstrapServers = BootstrapServers,
        ClientId = "messaging-tracing-tests",
        GroupId = groupId ?? UniqueNames.Create("group"),
        AutoOffsetReset = AutoOffsetReset.Earliest,
        SessionTimeoutMs = 6_000,
        HeartbeatIntervalMs = 500,
        FetchWaitMaxMs = 50,
        EnablePartitionEof = false,
    };

    /// <summary>
    /// Creates <paramref name="topic"/> and waits until every partition has a leader. On a real
    /// cluster through the CreateTopics request (replication factor 1); on the mock cluster, which
    /// does not implement CreateTopics, through auto-creation with <see cref="MockPartitionCount"/>
    /// partitions.
    /// </summary>
    /// <param name="topic">The topic, usually from <see cref="UniqueTopic"/>.</param>
    /// <param name="partitions">Partitions wanted; <see langword="null"/> for 1 on a real cluster and
    /// <see cref="MockPartitionCount"/> on the mock cluster.</param>
    /// <returns>The number of partitions the topic has.</returns>
    /// <exception cref="NotSupportedException">The mock cluster and a partition count other than <see cref="MockPartitionCount"/>.</exception>
    public async Task<int> CreateTopicAsync(string topic, int? partitions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (partitions is { } count)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count, nameof(partitions));
        }

        if (IsMockCluster)
        {
            if (partitions is { } wanted && wanted != MockPartitionCount)
            {
                throw new NotSupportedException(
                    $"librdkafka's mock cluster cannot create topics with {wanted} partitions: it does not implement "
                    + $"CreateTopics and auto-creates every topic with {MockPartitionCount}. Ask for null or "
                    + $"{MockPartitionCount}, or run against a real cluster ({BootstrapServersVariable}).");
            }

            // A metadata request for the topic from a producer handle asks the broker to create it.
            TopicMetadata created = await Task.Run(() => GetTopicMetadata(topic)).ConfigureAwait(false);
            if (created.Error.Code != ErrorCode.NoError)
            {
                throw new KafkaException(created.Error);
            }
        }
        else
        {
            var specification = new TopicSpecification { Name = topic, NumPartitions = partitions ?? 1, ReplicationFactor = 1 };
            await AdminClient.CreateTopicsAsync([specification]).ConfigureAwait(false);
        }

        int partitionCount = 0;
        await Wait.UntilAsync(
            () =>
            {
                TopicMetadata metadata = GetTopicMetadata(topic);
                partitionCount = metadata.Partitions.Count;
                return metadata.Error.Code == ErrorCode.NoError
                    && partitionCount > 0
                    && metadata.Partitions.All(p => p.Leader >= 0);
            },
            _metadataTimeout,
            $"topic {topic} to have a leader for every partition").ConfigureAwait(false);
        return partitionCount;
    }

    /// <summary>
    /// Consumes the next message, polling <paramref name="consumer"/> until one arrives or
    /// <paramref name="timeout"/> passes. Blocks the calling thread, like <see cref="IConsumer{TKey, TValue}.Consume(TimeSpan)"/>.
    /// </summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    /// <param name="consumer">A consumer that has subscribed or been assigned partitions.</param>
    /// <param name="timeout">How long to wait at most (allow ~10 s for a new group on the mock cluster).</param>
    /// <param name="what">What is awaited, for the timeout message.</param>
    /// <returns>The message.</returns>
    /// <exception cref="TimeoutException">No message arrived within <paramref name="timeout"/>.</exception>
    /// <exception cref="ConsumeException">Consuming failed (other than a topic not known yet, which is retried).</exception>
    public static ConsumeResult<TKey, TValue> ConsumeNext<TKey, TValue>(IConsumer<TKey, TValue> consumer, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentException.ThrowIfNullOrEmpty(what);
        var stopwatch = Stopwatch.StartNew();
        TimeSpan poll = TimeSpan.FromMilliseconds(200);
        while (stopwatch.Elapsed < timeout)
        {
            TimeSpan remaining = timeout - stopwatch.Elapsed;
            ConsumeResult<TKey, TValue>? result;
            try
            {
                result = consumer.Consume(remaining < poll ? remaining : poll);
            }
            catch (ConsumeException ex) when (ex.Error.Code == ErrorCode.UnknownTopicOrPart && !ex.Error.IsFatal)
            {
                // A just-created topic the consumer's metadata does not know yet: keep polling.
                continue;
            }

            if (result is { IsPartitionEOF: false })
            {
                return result;
            }
        }

        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.###} s waiting for {what}.");
    }

    /// <summary>Starts the mock cluster, or checks that the configured cluster answers.</summary>
    /// <returns>A task that completes when the cluster is usable.</returns>
    /// <exception cref="BrokerUnavailableException">The configured cluster is unreachable or librdkafka cannot be loaded.</exception>
    public async Task InitializeAsync()
    {
        string? servers = _inContainer ? await BrokerContainers.KafkaBootstrapServersAsync().ConfigureAwait(false) : _configuredServers;
        await Task.Run(() => Initialize(servers)).ConfigureAwait(false);
    }

    /// <summary>Closes the admin client and stops the mock cluster.</summary>
    /// <returns>A completed task.</returns>
    public Task DisposeAsync()
    {
        _admin?.Dispose();
        _admin = null;
        _mockHost?.Dispose();
        _mockHost = null;
        _bootstrapServers = null;
        return Task.CompletedTask;
    }

    private void Initialize(string? configuredServers)
    {
        try
        {
            if (configuredServers is null)
            {
                var config = new ProducerConfig { ClientId = "messaging-tracing-mock-cluster" };
                config.Set("test.mock.num.brokers", MockBrokerCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
                _mockHost = new ProducerBuilder<Null, Null>(config)
                    .SetLogHandler(static (_, message) =>
                    {
                        // "Mock cluster enabled: original bootstrap.servers ... ignored" is expected here.
                        if (message.Facility != "MOCK")
                        {
                            Console.Error.WriteLine($"[librdkafka mock host] {message.Level} {message.Facility}: {message.Message}");
                        }
                    })
                    .Build();
                _admin = new DependentAdminClientBuilder(_mockHost.Handle).Build();
                Metadata metadata = _admin.GetMetadata(_metadataTimeout);
                _bootstrapServers = string.Join(",", metadata.Brokers.Select(b => $"{b.Host}:{b.Port}"));
                if (metadata.Brokers.Count != MockBrokerCount)
                {
                    throw new InvalidOperationException(
                        $"librdkafka's mock cluster reported {metadata.Brokers.Count} brokers instead of {MockBrokerCount}.");
                }
            }
            else
            {
                _bootstrapServers = configuredServers;
                _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = configuredServers, ClientId = "messaging-tracing-tests" })
                    .SetLogHandler(static (_, _) => { })
                    .Build();
                try
                {
                    _ = _admin.GetMetadata(_metadataTimeout);
                }
                catch (KafkaException ex)
                {
                    throw new BrokerUnavailableException(
                        $"Kafka is not reachable at {configuredServers} ({(_inContainer ? "this run's Kafka container" : BootstrapServersVariable)}): {ex.Message}. "
                        + (_inContainer
                            ? $"Check the container's log (docker logs), or set {BrokerEnvironment.ProviderVariable}=local to use librdkafka's in-process mock cluster."
                            : $"Start that cluster, or unset {BootstrapServersVariable} to use librdkafka's in-process mock cluster."),
                        ex);
                }
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException
            || (ex is InvalidOperationException && ex.Message.Contains("librdkafka", StringComparison.OrdinalIgnoreCase)))
        {
            _ = DisposeAsync();
            throw new BrokerUnavailableException(
                $"librdkafka (the native library of Confluent.Kafka) cannot be loaded: {ex.Message} "
                + "It comes from the official librdkafka.redist package (Directory.Packages.props); if a home-built librdkafka.redist "
                + "shadows it in the NuGet cache, clear it (README, \"Kafka\") and restore again.",
                ex);
        }
        catch
        {
            _ = DisposeAsync();
            throw;
        }
    }

    private TopicMetadata GetTopicMetadata(string topic)
    {
        Metadata metadata = AdminClient.GetMetadata(topic, _metadataTimeout);
        foreach (TopicMetadata candidate in metadata.Topics)
        {
            if (candidate.Topic == topic)
            {
                return candidate;
            }
        }

        throw new KafkaException(ErrorCode.UnknownTopicOrPart);
    }

    /// <summary>Used by tests of the fixture: the partitions of <paramref name="topic"/> with their leaders.</summary>
    internal IReadOnlyList<PartitionMetadata> GetPartitions(string topic) => GetTopicMetadata(topic).Partitions;
}
