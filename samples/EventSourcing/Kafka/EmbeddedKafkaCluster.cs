using System;
using System.Globalization;
using System.Linq;
using Confluent.Kafka;

namespace EventSourcing.Kafka;

/// <summary>
/// The embedded Kafka: librdkafka's in-process mock cluster. Any client created with <c>test.mock.num.brokers</c>
/// starts brokers that speak the Kafka protocol (headers and consumer groups included) on local ports; their addresses
/// come from the cluster metadata. The handle is kept open for the application's lifetime.
/// </summary>
/// <remarks>
/// Limits of the mock (librdkafka 2.16.0): topics are auto-created with 4 partitions (CreateTopics is not implemented),
/// and a new consumer group's first join waits 3 s — the sample's consumers assign partitions instead of joining.
/// </remarks>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private const int BrokerCount = 1;

    private readonly IProducer<Null, Null> _host;

    private EmbeddedKafkaCluster(IProducer<Null, Null> host, string bootstrapServers)
    {
        _host = host;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>Gets the <c>host:port</c> list of the mock brokers.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts the mock cluster.</summary>
    /// <param name="log">Receives librdkafka's log lines (the expected "mock cluster enabled" notice is dropped).</param>
    /// <returns>The running cluster.</returns>
    public static EmbeddedKafkaCluster Start(Action<LogMessage> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var config = new ProducerConfig { ClientId = "band-reviews-mock-cluster" };
        config.Set("test.mock.num.brokers", BrokerCount.ToString(CultureInfo.InvariantCulture));
        IProducer<Null, Null> host = new ProducerBuilder<Null, Null>(config)
            .SetLogHandler((_, message) =>
            {
                if (message.Facility != "MOCK")
                {
                    log(message);
                }
            })
            .Build();
        try
        {
            using IAdminClient admin = new DependentAdminClientBuilder(host.Handle).Build();
            Metadata metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            string servers = string.Join(",", metadata.Brokers.Select(b => $"{b.Host}:{b.Port}"));
            return new EmbeddedKafkaCluster(host, servers);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Stops the mock brokers.</summary>
    public void Dispose() => _host.Dispose();
}
