using System;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Testcontainers.Kafka;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;
using Testcontainers.Redis;
using ContainerWait = DotNet.Testcontainers.Builders.Wait;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// The <see cref="BrokerProvider.Testcontainers"/> provider: one container per broker for the whole test run, started
/// on first use and removed when the process exits (Ryuk may be off: nothing else would remove them).
/// </summary>
/// <remarks>
/// Local images (eng/docker.sh, <c>messaging-tracing/*:latest</c>) run with host networking and take a free loopback
/// port on their command line; registry images run through Testcontainers' modules with mapped ports.
/// </remarks>
internal static class BrokerContainers
{
    /// <summary>The tests' PostgreSQL login, database and password, as in <see cref="PostgresDatabase.DefaultConnection"/>.</summary>
    private const string PostgresLogin = "messaging_tracing";

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a container may take to log that it is ready (a cold vfs copy of an image takes seconds).</summary>
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    private static readonly ConcurrentBag<IContainer> Started = [];

    private static readonly Lazy<Task<string>> Redis = new(StartRedisAsync);

    private static readonly Lazy<Task<string>> Postgres = new(StartPostgresAsync);

    private static readonly Lazy<Task<string>> RabbitMq = new(StartRabbitMqAsync);

    private static readonly Lazy<Task<string>> Kafka = new(StartKafkaAsync);

    static BrokerContainers()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
    }

    /// <summary>The StackExchange.Redis configuration of this run's Redis container (started on first call).</summary>
    public static Task<string> RedisConfigurationAsync() => Redis.Value;

    /// <summary>The Npgsql connection string of this run's PostgreSQL container (started on first call).</summary>
    public static Task<string> PostgresConnectionStringAsync() => Postgres.Value;

    /// <summary>The AMQP URI of this run's RabbitMQ container (started on first call).</summary>
    public static Task<string> RabbitMqUriAsync() => RabbitMq.Value;

    /// <summary>
    /// Whether this provider runs Kafka in a container: with registry images only. No Kafka image can be built from
    /// Debian's packages (no Kafka distribution is reachable from the build machines), so with local images Kafka stays
    /// librdkafka's in-process mock cluster, as under the other providers.
    /// </summary>
    public static bool RunsKafka => !BrokerEnvironment.UseLocalImages;

    /// <summary>The <c>host:port</c> bootstrap servers of this run's Kafka container (started on first call; registry images only).</summary>
    public static Task<string> KafkaBootstrapServersAsync() => Kafka.Value;

    private static async Task<string> StartRedisAsync()
    {
        if (BrokerEnvironment.UseLocalImages)
        {
            int port = FreePort.Next();
            await StartAsync(LocalImage("redis", "Ready to accept connections", "mt-redis", port)).ConfigureAwait(false);
            return Reported("redis", $"127.0.0.1:{port}");
        }

        RedisContainer container = new RedisBuilder("redis:7.0").Build();
        await StartAsync(container).ConfigureAwait(false);
        return Reported("redis", container.GetConnectionString());
    }

    private static async Task<string> StartPostgresAsync()
    {
        if (BrokerEnvironment.UseLocalImages)
        {
            int port = FreePort.Next();
            await StartAsync(LocalImage("postgres", "database system is ready to accept connections", "mt-postgres", port)).ConfigureAwait(false);
            return Reported("postgres", $"Host=127.0.0.1;Port={port};Username={PostgresLogin};Password={PostgresLogin};Database={PostgresLogin}");
        }

        PostgreSqlContainer container = new PostgreSqlBuilder("postgres:15")
            .WithUsername(PostgresLogin)
            .WithPassword(PostgresLogin)
            .WithDatabase(PostgresLogin)
            .Build();
        await StartAsync(container).ConfigureAwait(false);
        return Reported("postgres", container.GetConnectionString());
    }

    private static async Task<string> StartRabbitMqAsync()
    {
        if (BrokerEnvironment.UseLocalImages)
        {
            int amqp = FreePort.Next();
            int epmd = FreePort.Next();
            int distribution = FreePort.Next();
            await StartAsync(LocalImage("rabbitmq", @"Starting broker\.\.\. completed", "mt-rabbitmq", amqp, epmd, distribution)).ConfigureAwait(false);
            return Reported("rabbitmq", $"amqp://guest:guest@127.0.0.1:{amqp}/");
        }

        RabbitMqContainer container = new RabbitMqBuilder("rabbitmq:3.10").WithUsername("guest").WithPassword("guest").Build();
        await StartAsync(container).ConfigureAwait(false);
        return Reported("rabbitmq", container.GetConnectionString());
    }

    private static async Task<string> StartKafkaAsync()
    {
        // Apache Kafka's own image in KRaft mode (one broker), as in docker-compose.yml; the module maps and advertises its port.
        KafkaContainer container = new KafkaBuilder("apache/kafka:3.8.0").Build();
        await StartAsync(container).ConfigureAwait(false);
        var address = new Uri(container.GetBootstrapAddress());
        return Reported("kafka", $"{address.Host}:{address.Port}");
    }

    /// <summary>A container of the local image <c>messaging-tracing/{name}:latest</c> on the host network, running
    /// <c>{entry} {ports}</c> (its server binds 127.0.0.1 on those ports), ready when it logs <paramref name="ready"/> (a regular expression).</summary>
    private static IContainer LocalImage(string name, string ready, string entry, params int[] ports) =>
        new ContainerBuilder($"messaging-tracing/{name}:latest")
            .WithCommand([entry, .. ports.Select(port => port.ToString(CultureInfo.InvariantCulture))])
            .WithCreateParameterModifier(parameters => (parameters.HostConfig ??= new HostConfig()).NetworkMode = "host")
            .WithWaitStrategy(ContainerWait.ForUnixContainer().UntilMessageIsLogged(ready, strategy => strategy.WithTimeout(ReadyTimeout)))
            .Build();

    private static async Task StartAsync(IContainer container)
    {
        Started.Add(container);
        await container.StartAsync().ConfigureAwait(false);
    }

    private static string Reported(string broker, string endpoint)
    {
        string shown = endpoint.Contains("Password=", StringComparison.Ordinal) ? endpoint[..endpoint.IndexOf("Password=", StringComparison.Ordinal)] + "…" : endpoint;
        BrokerEnvironment.Report($"testcontainers: {broker} at {shown}");
        return endpoint;
    }

    private static void StopAll()
    {
        try
        {
            if (!Task.WhenAll(Started.Select(container => container.DisposeAsync().AsTask())).Wait(StopTimeout))
            {
                BrokerEnvironment.Report($"testcontainers: containers not removed within {StopTimeout.TotalSeconds} s");
            }
        }
        catch (AggregateException ex)
        {
            BrokerEnvironment.Report($"testcontainers: removing the containers failed: {ex.GetBaseException().Message}");
        }
    }
}
