using System;
using System.Net;
using System.Threading.Tasks;
using Marten;
using Npgsql;

namespace Messaging.Tracing.Benchmarks.Marten;

/// <summary>
/// The PostgreSQL server of the Marten cases: the one <c>POSTGRES_CONNECTION</c> names (an Npgsql connection string), by
/// default the local server, role and database <c>eng/brokers.sh</c> starts and creates (the tests' fixture uses the same).
/// Every store lives in a schema of its own, dropped when the case or run ends.
/// </summary>
public static class BenchmarkPostgres
{
    /// <summary>The environment variable naming the database.</summary>
    public const string ConnectionVariable = "POSTGRES_CONNECTION";

    /// <summary>The database used when <c>POSTGRES_CONNECTION</c> is not set.</summary>
    public const string DefaultConnection = "Host=localhost;Port=5432;Username=messaging_tracing;Password=messaging_tracing;Database=messaging_tracing";

    /// <summary>Gets the Npgsql connection string in use.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } configured ? configured : DefaultConnection;

    /// <summary>Throws unless the server is on this machine (loopback or a Unix socket), as the harness requires of every broker.</summary>
    /// <exception cref="InvalidOperationException">The server is elsewhere.</exception>
    public static void EnsureLocal()
    {
        string host = new NpgsqlConnectionStringBuilder(ConnectionString).Host ?? "localhost";
        bool local = host.StartsWith('/')
            || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out IPAddress? address) && IPAddress.IsLoopback(address));
        if (!local)
        {
            throw new InvalidOperationException($"The Marten benchmarks only use a local PostgreSQL server; {ConnectionVariable} names {host}.");
        }
    }

    /// <summary>Creates a document store in a new schema (<c>bench_{32 hex digits}</c>) and creates its tables.</summary>
    /// <param name="configure">Adds to the store's options (tracing, subscriptions).</param>
    /// <returns>The store; drop its schema with <see cref="DisposeAsync"/>.</returns>
    public static async Task<DocumentStore> CreateStoreAsync(Action<StoreOptions>? configure = null)
    {
        EnsureLocal();
        string schema = $"bench_{Guid.NewGuid():N}";
        DocumentStore store = DocumentStore.For(options =>
        {
            options.Connection(ConnectionString);
            options.DatabaseSchemaName = schema;
            configure?.Invoke(options);
        });
        try
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
            return store;
        }
        catch
        {
            await DisposeAsync(store);
            throw;
        }
    }

    /// <summary>Disposes the store and drops its schema with everything in it.</summary>
    /// <param name="store">A store from <see cref="CreateStoreAsync"/>.</param>
    /// <returns>A task that completes when the schema is gone.</returns>
    public static async Task DisposeAsync(DocumentStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        string schema = store.Options.DatabaseSchemaName;
        await store.DisposeAsync();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Counts the events stored in the store's schema, and those whose headers carry a <c>traceparent</c>.</summary>
    /// <param name="store">A store from <see cref="CreateStoreAsync"/>.</param>
    /// <returns>The two counts.</returns>
    public static async Task<(long Events, long WithTraceParent)> CountEventsAsync(DocumentStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        string schema = store.Options.DatabaseSchemaName;
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var hasHeaders = new NpgsqlCommand(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'mt_events' AND column_name = 'headers'",
            connection);
        hasHeaders.Parameters.AddWithValue(schema);
        bool headers = (long)(await hasHeaders.ExecuteScalarAsync())! > 0;
        string withTraceParent = headers ? "count(*) FILTER (WHERE headers ? 'traceparent')" : "0::bigint";
        await using var count = new NpgsqlCommand($"SELECT count(*), {withTraceParent} FROM \"{schema}\".mt_events", connection);
        await using NpgsqlDataReader reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
