using System;
using System.Threading.Tasks;
using Marten;
using Messaging.Tracing.Brokers;
using Xunit;

namespace Messaging.Tracing.Reliability.Tests.Hostile;

/// <summary>
/// One traced Marten store for the hostile cases (in a schema of its own on the shared PostgreSQL, dropped at the end),
/// with a <see cref="MartenRecorder"/> subscription. Each case appends to a new stream and runs a daemon of its own.
/// </summary>
public sealed class MartenHostileStore : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private DocumentStore? _store;

    /// <summary>Gets the subscription every case's daemon runs.</summary>
    public MartenRecorder Recorder { get; } = new(MessagingTracer.Default, "HostileRecorder");

    /// <summary>Gets the schema of the store's tables.</summary>
    public string Schema { get; private set; } = string.Empty;

    /// <summary>Gets the store (after <see cref="InitializeAsync"/>).</summary>
    public DocumentStore Store => _store!;

    /// <summary>Gets the connection string of the shared PostgreSQL.</summary>
    public string ConnectionString => _database.ConnectionString;

    /// <summary>Connects, and creates the store and its tables.</summary>
    /// <returns>A task that completes when the tables exist.</returns>
    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _store = CreateStore(Recorder, out string schema);
        Schema = schema;
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    /// <summary>A traced store with <paramref name="subscription"/> in a schema of its own (dropped at the end); the caller disposes it.</summary>
    /// <param name="subscription">The subscription its daemon runs.</param>
    /// <param name="schema">The new schema.</param>
    /// <param name="configure">Adds to the store's options.</param>
    /// <returns>The store.</returns>
    public DocumentStore CreateStore(MartenRecorder subscription, out string schema, Action<StoreOptions>? configure = null)
    {
        string name = _database.UniqueSchemaName("hostile");
        schema = name;
        return DocumentStore.For(options =>
        {
            options.Connection(_database.ConnectionString);
            options.DatabaseSchemaName = name;
            options.UseMessagingTracing(MessagingTracer.Default);
            options.Events.Subscribe(subscription);
            configure?.Invoke(options);
        });
    }

    /// <summary>Disposes the store and drops its schema.</summary>
    /// <returns>A task that completes when the schema is dropped.</returns>
    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await _database.DisposeAsync();
    }
}
