using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using Npgsql;
using Xunit;

namespace Messaging.Tracing.Brokers;

/// <summary>
/// Test fixture for the PostgreSQL database named by <c>POSTGRES_CONNECTION</c> (an Npgsql connection string; default
/// <see cref="DefaultConnection"/>: the server, role and database <c>eng/brokers.sh</c> installs, starts and creates).
/// Opens one <see cref="NpgsqlDataSource"/> (a connection pool) for all tests sharing the fixture.
/// </summary>
/// <remarks>
/// <para>
/// Use it as <c>IClassFixture&lt;PostgresDatabase&gt;</c>, or share one per test assembly: xunit 2 only
/// finds collection definitions in the test assembly itself, so each test project declares its own
/// <code>
/// [CollectionDefinition(PostgresDatabase.CollectionName)]
/// public sealed class PostgresCollection : ICollectionFixture&lt;PostgresDatabase&gt;;
/// </code>
/// and marks its test classes <c>[Collection(PostgresDatabase.CollectionName)]</c>.
/// </para>
/// <para>
/// Tests isolate themselves in a schema of their own, named by <see cref="UniqueSchemaName"/> (Marten: its
/// <c>DatabaseSchemaName</c>); those schemas are dropped with everything in them when the fixture is disposed.
/// When the server is unreachable or refuses the login, <see cref="InitializeAsync"/> throws
/// <see cref="BrokerUnavailableException"/>: the tests fail, they are never skipped.
/// </para>
/// </remarks>
public sealed class PostgresDatabase : IAsyncLifetime
{
    /// <summary>Name for the test assembly's <c>[CollectionDefinition]</c> of this fixture.</summary>
    public const string CollectionName = "PostgreSQL";

    /// <summary>The environment variable naming the database: <c>POSTGRES_CONNECTION</c>.</summary>
    public const string ConnectionVariable = "POSTGRES_CONNECTION";

    /// <summary>The database used when <c>POSTGRES_CONNECTION</c> is not set (made by <c>eng/brokers.sh</c>).</summary>
    public const string DefaultConnection = "Host=localhost;Port=5432;Username=messaging_tracing;Password=messaging_tracing;Database=messaging_tracing";

    /// <summary>PostgreSQL's longest identifier (NAMEDATALEN - 1 bytes).</summary>
    private const int MaxIdentifierLength = 63;

    private readonly ConcurrentQueue<string> _schemas = new();
    private NpgsqlConnectionStringBuilder? _settings;
    private string? _connectionString;
    private NpgsqlDataSource? _dataSource;

    /// <summary>
    /// Creates the fixture for the database of this run's <see cref="BrokerEnvironment.Provider"/>: the one named by
    /// <c>POSTGRES_CONNECTION</c>, or a container started on <see cref="InitializeAsync"/>.
    /// </summary>
    public PostgresDatabase()
    {
        if (BrokerEnvironment.Provider != BrokerProvider.Testcontainers)
        {
            Use(Environment.GetEnvironmentVariable(ConnectionVariable));
        }
    }

    /// <summary>Creates the fixture for <paramref name="connectionString"/> (tests of the fixture itself).</summary>
    internal PostgresDatabase(string? connectionString)
    {
        Use(connectionString);
    }

    /// <summary>The Npgsql connection string in use (may contain a password; see <see cref="DisplayAddress"/>).</summary>
    /// <exception cref="InvalidOperationException">The database is a container not started yet (before <see cref="InitializeAsync"/>).</exception>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialized.");

    /// <summary>Where the database is, without credentials, for messages: <c>{host}:{port}/{database}</c>.</summary>
    public string DisplayAddress => _settings is null ? "(container not started)" : $"{_settings.Host}:{_settings.Port}/{_settings.Database}";

    /// <summary>The shared data source, open after <see cref="InitializeAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">The fixture is not initialized (or already disposed).</exception>
    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The PostgreSQL fixture is not initialized.");

    /// <summary>
    /// Returns a schema name no other test or run uses, <c>{prefix}_{32 hex digits}</c>, a lower-case identifier that
    /// needs no quoting; the schema is not created here, and is dropped (cascading) when the fixture is disposed.
    /// </summary>
    /// <param name="prefix">Lower-case ASCII letters, digits or <c>_</c>, starting with a letter; at most 30 characters.</param>
    /// <returns>The unique name.</returns>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> breaks these rules.</exception>
    public string UniqueSchemaName(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (prefix.Length > MaxIdentifierLength - 33 || !char.IsAsciiLetterLower(prefix[0]))
        {
            throw new ArgumentException($"The prefix '{prefix}' must start with a lower-case ASCII letter and have at most {MaxIdentifierLength - 33} characters.", nameof(prefix));
        }

        foreach (char c in prefix)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                throw new ArgumentException($"The prefix '{prefix}' may contain only lower-case ASCII letters, digits and '_'.", nameof(prefix));
            }
        }

        string name = $"{prefix}_{Guid.NewGuid():N}";
        _schemas.Enqueue(name);
        return name;
    }

    /// <summary>Connects to the database once, to prove it is there.</summary>
    /// <returns>A task that completes when a connection has been opened.</returns>
    /// <exception cref="BrokerUnavailableException">The server is not reachable, or refuses the login or the database.</exception>
    public async Task InitializeAsync()
    {
        if (_connectionString is null)
        {
            Use(await BrokerContainers.PostgresConnectionStringAsync().ConfigureAwait(false));
        }

        NpgsqlDataSource dataSource = NpgsqlDataSource.Create(ConnectionString);
        try
        {
            await using NpgsqlConnection connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw new BrokerUnavailableException(
                $"PostgreSQL is not reachable at {DisplayAddress} as {_settings?.Username} ({ConnectionVariable}={(Environment.GetEnvironmentVariable(ConnectionVariable) is null ? "unset, default" : "set")}): {ex.Message.TrimEnd('.')}. "
                + "Start it with eng/brokers.sh (installs and starts PostgreSQL from Debian and creates the role and database messaging_tracing), "
                + $"or set {ConnectionVariable} to a running server.",
                ex);
        }

        _dataSource = dataSource;
    }

    private void Use(string? connectionString)
    {
        string value = string.IsNullOrWhiteSpace(connectionString) ? DefaultConnection : connectionString;
        try
        {
            _settings = new NpgsqlConnectionStringBuilder(value);
        }
        catch (ArgumentException ex)
        {
            // The string is not echoed: it may hold a password.
            throw new ArgumentException($"{ConnectionVariable} is not a valid Npgsql connection string: {ex.Message}", nameof(connectionString), ex);
        }

        _connectionString = value;
    }

    /// <summary>Drops the schemas named by <see cref="UniqueSchemaName"/> and closes the data source.</summary>
    /// <returns>A task that completes when the data source is closed.</returns>
    public async Task DisposeAsync()
    {
        NpgsqlDataSource? dataSource = _dataSource;
        _dataSource = null;
        if (dataSource is null)
        {
            return;
        }

        await using (dataSource.ConfigureAwait(false))
        {
            while (_schemas.TryDequeue(out string? schema))
            {
                await using NpgsqlCommand drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
                await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
    }
}
