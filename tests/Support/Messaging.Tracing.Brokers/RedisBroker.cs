using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;
using StackExchange.Redis;
using Xunit;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// Test fixture for the Redis server named by <c>REDIS_CONNECTION</c> (a StackExchange.Redis
/// configuration string; default <c>localhost:6379</c>, which <c>eng/brokers.sh</c> installs and starts).
/// Opens one <see cref="ConnectionMultiplexer"/> for all tests sharing the fixture.
/// </summary>
/// <remarks>
/// <para>
/// Streams are read and written with StackExchange.Redis's typed stream API (<c>StreamAddAsync</c>,
/// <c>StreamRangeAsync</c>, …). The connection speaks the client's default protocol: RESP2 on 2.x, RESP3 on 3.x.
/// </para>
/// <para>
/// Use it as <c>IClassFixture&lt;RedisBroker&gt;</c>, or share one per test assembly: xunit 2 only
/// finds collection definitions in the test assembly itself, so each test project declares its own
/// <code>
/// [CollectionDefinition(RedisBroker.CollectionName)]
/// public sealed class RedisCollection : ICollectionFixture&lt;RedisBroker&gt;;
/// </code>
/// and marks its test classes <c>[Collection(RedisBroker.CollectionName)]</c>.
/// </para>
/// <para>
/// Streams named through <see cref="UniqueStreamName"/> are deleted when the fixture is disposed.
/// When the server is unreachable, <see cref="InitializeAsync"/> throws
/// <see cref="BrokerUnavailableException"/>: the tests fail, they are never skipped.
/// </para>
/// </remarks>
public sealed class RedisBroker : IAsyncLifetime
{
    /// <summary>Name for the test assembly's <c>[CollectionDefinition]</c> of this fixture.</summary>
    public const string CollectionName = "Redis";

    /// <summary>The environment variable naming the server: <c>REDIS_CONNECTION</c>.</summary>
    public const string ConnectionVariable = "REDIS_CONNECTION";

    /// <summary>The server used when <c>REDIS_CONNECTION</c> is not set.</summary>
    public const string DefaultConnection = "localhost:6379";

    private readonly ConcurrentQueue<string> _streams = new();
    private ConnectionMultiplexer? _multiplexer;
    private string? _configuration;

    /// <summary>
    /// Creates the fixture for the server of this run's <see cref="BrokerEnvironment.Provider"/>: the one named by
    /// <c>REDIS_CONNECTION</c>, or a container started on <see cref="InitializeAsync"/>.
    /// </summary>
    public RedisBroker()
    {
        if (BrokerEnvironment.Provider != BrokerProvider.Testcontainers)
        {
            _configuration = WithDefault(Environment.GetEnvironmentVariable(ConnectionVariable));
        }
    }

    /// <summary>Creates the fixture for <paramref name="configuration"/> (tests of the fixture itself).</summary>
    internal RedisBroker(string? configuration)
    {
        _configuration = WithDefault(configuration);
    }

    /// <summary>The StackExchange.Redis configuration string in use.</summary>
    /// <exception cref="InvalidOperationException">The server is a container not started yet (before <see cref="InitializeAsync"/>).</exception>
    public string Configuration => _configuration ?? throw new InvalidOperationException("The Redis fixture is not initialized.");

    /// <summary>The shared connection, open after <see cref="InitializeAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">The fixture is not initialized (or already disposed).</exception>
    public ConnectionMultiplexer Multiplexer => _multiplexer ?? throw new InvalidOperationException("The Redis fixture is not initialized.");

    /// <summary>The default database of the shared connection.</summary>
    public IDatabase Database => Multiplexer.GetDatabase();

    /// <summary>
    /// Returns a stream name no other test or run uses, <c>{prefix}-{guid}</c>, and deletes that key
    /// when the fixture is disposed.
    /// </summary>
    /// <param name="prefix">Letters, digits, <c>.</c>, <c>_</c> or <c>-</c>.</param>
    /// <returns>The unique name.</returns>
    public string UniqueStreamName(string prefix)
    {
        string name = UniqueNames.Create(prefix);
        _streams.Enqueue(name);
        return name;
    }

    /// <summary>Connects to the server.</summary>
    /// <returns>A task that completes when the connection is open.</returns>
    /// <exception cref="BrokerUnavailableException">The server is not reachable.</exception>
    public async Task InitializeAsync()
    {
        _configuration ??= await BrokerContainers.RedisConfigurationAsync().ConfigureAwait(false);
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(Configuration);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"{ConnectionVariable} is not a valid StackExchange.Redis configuration string: '{Configuration}'.", ex);
        }

        options.AbortOnConnectFail = true;
        options.ClientName = "Messaging.Tracing.Brokers";

        try
        {
            _multiplexer = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or TimeoutException)
        {
            throw new BrokerUnavailableException(
                $"Redis is not reachable at {string.Join(",", options.EndPoints)} ({ConnectionVariable}={(Environment.GetEnvironmentVariable(ConnectionVariable) is null ? "unset, default" : "set")}): {ex.Message} "
                + "Start the test brokers with eng/brokers.sh (installs and starts RabbitMQ, Redis and PostgreSQL), "
                + $"or set {ConnectionVariable} to a running server.",
                ex);
        }
    }

    /// <summary>Deletes the streams named by <see cref="UniqueStreamName"/> and closes the connection.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async Task DisposeAsync()
    {
        ConnectionMultiplexer? multiplexer = _multiplexer;
        _multiplexer = null;
        if (multiplexer is null)
        {
            return;
        }

        var keys = new List<RedisKey>();
        while (_streams.TryDequeue(out string? name))
        {
            keys.Add(name);
        }

        if (keys.Count > 0 && multiplexer.IsConnected)
        {
            await multiplexer.GetDatabase().KeyDeleteAsync(keys.ToArray()).ConfigureAwait(false);
        }

        await multiplexer.CloseAsync().ConfigureAwait(false);
        multiplexer.Dispose();
    }

    private static string WithDefault(string? configuration) => string.IsNullOrWhiteSpace(configuration) ? DefaultConnection : configuration;
}
