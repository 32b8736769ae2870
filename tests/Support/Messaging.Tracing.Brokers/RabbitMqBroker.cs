using System;
using System.Threading;
using System.Threading.Tasks;
using RabbitMQ.Client;
using Xunit;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// Test fixture for the RabbitMQ broker named by <c>RABBITMQ_URI</c>
/// (default <c>amqp://guest:guest@localhost:5672/</c>, which <c>eng/brokers.sh</c> installs and starts).
/// Opens one <see cref="IConnection"/> for all tests sharing the fixture.
/// </summary>
/// <remarks>
/// <para>
/// Use it as <c>IClassFixture&lt;RabbitMqBroker&gt;</c>, or share one per test assembly: xunit 2 only
/// finds collection definitions in the test assembly itself, so each test project declares its own
/// <code>
/// [CollectionDefinition(RabbitMqBroker.CollectionName)]
/// public sealed class RabbitMqCollection : ICollectionFixture&lt;RabbitMqBroker&gt;;
/// </code>
/// and marks its test classes <c>[Collection(RabbitMqBroker.CollectionName)]</c>.
/// </para>
/// <para>
/// Tests isolate themselves with <see cref="UniqueName"/> (exclusive or auto-delete queues are best),
/// so they can run in parallel and again and again against the same broker. When the broker is
/// unreachable, <see cref="InitializeAsync"/> throws <see cref="BrokerUnavailableException"/>: the
/// tests fail, they are never skipped.
/// </para>
/// </remarks>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    /// <summary>Name for the test assembly's <c>[CollectionDefinition]</c> of this fixture.</summary>
    public const string CollectionName = "RabbitMQ";

    /// <summary>The environment variable naming the broker: <c>RABBITMQ_URI</c>.</summary>
    public const string UriVariable = "RABBITMQ_URI";

    /// <summary>The broker used when <c>RABBITMQ_URI</c> is not set.</summary>
    public const string DefaultUri = "amqp://guest:guest@localhost:5672/";

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private IConnection? _connection;
    private Uri? _uri;

    /// <summary>
    /// Creates the fixture for the broker of this run's <see cref="BrokerEnvironment.Provider"/>: the one named by
    /// <c>RABBITMQ_URI</c>, or a container started on <see cref="InitializeAsync"/>.
    /// </summary>
    public RabbitMqBroker()
    {
        if (BrokerEnvironment.Provider != BrokerProvider.Testcontainers)
        {
            _uri = Parse(Environment.GetEnvironmentVariable(UriVariable));
        }
    }

    /// <summary>Creates the fixture for <paramref name="uri"/> (tests of the fixture itself).</summary>
    internal RabbitMqBroker(string? uri)
    {
        _uri = Parse(uri);
    }

    /// <summary>The broker's address (may contain credentials; see <see cref="DisplayAddress"/>).</summary>
    /// <exception cref="InvalidOperationException">The broker is a container not started yet (before <see cref="InitializeAsync"/>).</exception>
    public Uri Uri => _uri ?? throw new InvalidOperationException("The RabbitMQ fixture is not initialized.");

    /// <summary>The broker's address without credentials, for messages.</summary>
    public string DisplayAddress => _uri is null ? "(container not started)" : $"{Uri.Scheme}://{Uri.Host}:{(Uri.IsDefaultPort ? (Uri.Scheme == "amqps" ? 5671 : 5672) : Uri.Port)}{Uri.AbsolutePath}";

    /// <summary>The shared connection, open after <see cref="InitializeAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">The fixture is not initialized (or already disposed).</exception>
    public IConnection Connection => _connection ?? throw new InvalidOperationException("The RabbitMQ fixture is not initialized.");

    /// <summary>Returns a queue or exchange name no other test or run uses: <c>{prefix}-{guid}</c>.</summary>
    /// <param name="prefix">Letters, digits, <c>.</c>, <c>_</c> or <c>-</c>.</param>
    /// <returns>The unique name.</returns>
    public string UniqueName(string prefix) => UniqueNames.Create(prefix);

    /// <summary>Opens a new channel on the shared connection; the caller disposes it.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The open channel.</returns>
    public Task<IChannel> CreateChannelAsync(CancellationToken cancellationToken = default) =>
        Connection.CreateChannelAsync(cancellationToken: cancellationToken);

    /// <summary>Connects to the broker.</summary>
    /// <returns>A task that completes when the connection is open.</returns>
    /// <exception cref="BrokerUnavailableException">The broker is not reachable or refuses the credentials.</exception>
    public async Task InitializeAsync()
    {
        _uri ??= Parse(await BrokerContainers.RabbitMqUriAsync().ConfigureAwait(false));
        var factory = new ConnectionFactory
        {
            Uri = Uri,
            RequestedConnectionTimeout = ConnectTimeout,
            AutomaticRecoveryEnabled = false,
        };

        using var timeout = new CancellationTokenSource(ConnectTimeout * 2);
        try
        {
            _connection = await factory.CreateConnectionAsync("Messaging.Tracing.Brokers", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new BrokerUnavailableException(
                $"RabbitMQ is not reachable at {DisplayAddress} ({UriVariable}={(Environment.GetEnvironmentVariable(UriVariable) is null ? "unset, default" : "set")}): {ex.GetBaseException().Message} "
                + "Start the test brokers with eng/brokers.sh (installs and starts RabbitMQ, Redis and PostgreSQL), "
                + $"or set {UriVariable} to a running broker.",
                ex);
        }
    }

    /// <summary>Closes the shared connection.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async Task DisposeAsync()
    {
        IConnection? connection = _connection;
        _connection = null;
        if (connection is not null)
        {
            await connection.CloseAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static Uri Parse(string? uri)
    {
        string value = string.IsNullOrWhiteSpace(uri) ? DefaultUri : uri;
        return Uri.TryCreate(value, UriKind.Absolute, out Uri? parsed) && parsed.Scheme is "amqp" or "amqps"
            ? parsed
            : throw new ArgumentException($"{UriVariable} must be an amqp:// or amqps:// URI, not '{value}'.", nameof(uri));
    }
}
