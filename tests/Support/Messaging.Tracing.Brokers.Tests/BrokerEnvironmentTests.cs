using System;
using System.Threading.Tasks;
using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

public sealed class BrokerEnvironmentTests
{
    private static readonly DockerEngine None = new(false, null, false);
    private static readonly DockerEngine Narrow = new(true, "1.41", false);
    private static readonly DockerEngine WithBridge = new(true, "1.51", true);

    [Theory]
    [InlineData("env", BrokerProvider.Env)]
    [InlineData("Testcontainers", BrokerProvider.Testcontainers)]
    [InlineData(" local ", BrokerProvider.Local)]
    public void A_forced_provider_wins_over_variables_and_engine(string forced, BrokerProvider expected)
    {
        (BrokerProvider provider, string reason) = BrokerEnvironment.Choose(forced, endpointsSet: true, () => WithBridge);

        Assert.Equal(expected, provider);
        Assert.Contains(BrokerEnvironment.ProviderVariable, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("1")]
    public void An_unknown_provider_is_refused(string forced)
    {
        var error = Assert.Throws<ArgumentException>(() => BrokerEnvironment.Choose(forced, endpointsSet: false, () => WithBridge));

        Assert.Contains("env, testcontainers or local", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_variables_choose_env_without_asking_the_engine()
    {
        (BrokerProvider provider, _) = BrokerEnvironment.Choose(null, endpointsSet: true, () => throw new InvalidOperationException("the engine was asked"));

        Assert.Equal(BrokerProvider.Env, provider);
    }

    [Fact]
    public void An_engine_with_a_bridge_network_chooses_testcontainers()
    {
        Assert.Equal(BrokerProvider.Testcontainers, BrokerEnvironment.Choose(null, endpointsSet: false, () => WithBridge).Provider);
    }

    [Fact]
    public void The_narrow_engine_or_no_engine_keeps_the_local_servers()
    {
        Assert.Equal(BrokerProvider.Local, BrokerEnvironment.Choose(null, endpointsSet: false, () => Narrow).Provider);
        Assert.Equal(BrokerProvider.Local, BrokerEnvironment.Choose("", endpointsSet: false, () => None).Provider);
    }

    [Fact]
    public async Task Fixtures_connect_where_the_chosen_provider_says()
    {
        var redis = new RedisBroker();
        await redis.InitializeAsync();
        try
        {
            string? variable = Environment.GetEnvironmentVariable(RedisBroker.ConnectionVariable);
            if (BrokerEnvironment.Provider == BrokerProvider.Testcontainers)
            {
                // A container of this run, on a port of its own: not the default server, not the variable's.
                Assert.NotEqual(RedisBroker.DefaultConnection, redis.Configuration);
                Assert.NotEqual(variable, redis.Configuration);
            }
            else
            {
                Assert.Equal(string.IsNullOrWhiteSpace(variable) ? RedisBroker.DefaultConnection : variable, redis.Configuration);
            }

            Assert.True(redis.Multiplexer.IsConnected);
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    [Fact]
    public void Kafka_runs_in_a_container_only_with_registry_images()
    {
        var kafka = new KafkaCluster();

        bool variableSet = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(KafkaCluster.BootstrapServersVariable));
        bool container = BrokerEnvironment.Provider == BrokerProvider.Testcontainers && !BrokerEnvironment.UseLocalImages;

        // No Kafka image can be built from Debian's packages: local images (and the other providers) keep the mock cluster.
        Assert.Equal(!variableSet && !container, kafka.IsMockCluster);
    }
}
