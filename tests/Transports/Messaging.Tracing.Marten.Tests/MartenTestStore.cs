using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using JasperFx.Events;
using Marten;
using Messaging.Tracing.Brokers;
using Npgsql;

namespace Messaging.Tracing.Marten.Tests;

/// <summary>A Marten document store in a schema of its own, dropped when the test ends.</summary>
internal sealed class MartenTestStore : IAsyncDisposable
{
    private readonly PostgresDatabase _database;

    private MartenTestStore(PostgresDatabase database, string schema, DocumentStore store)
    {
        _database = database;
        Schema = schema;
        Store = store;
    }

    public string Schema { get; }

    public DocumentStore Store { get; }

    /// <summary>A store traced with <paramref name="tracer"/>; <paramref name="configure"/> adds to its options.</summary>
    public static MartenTestStore Create(PostgresDatabase database, MessagingTracer? tracer, Action<StoreOptions>? configure = null)
    {
        string schema = NewSchemaName();
        DocumentStore store = DocumentStore.For(options =>
        {
            options.Connection(database.ConnectionString);
            options.DatabaseSchemaName = schema;
            if (tracer is not null)
            {
                options.UseMessagingTracing(tracer);
            }

            configure?.Invoke(options);
        });
        return new MartenTestStore(database, schema, store);
    }

    /// <summary>Wraps a store that dependency injection built in <paramref name="schema"/>; the container disposes the store.</summary>
    public static MartenTestStore Wrap(PostgresDatabase database, string schema, DocumentStore store) => new(database, schema, store);

    public static string NewSchemaName() => "tracing_" + Guid.NewGuid().ToString("N");

    /// <summary>The stream's rows of <c>mt_events</c> as stored, in version order, read with plain SQL.</summary>
    public async Task<IReadOnlyList<StoredEventRow>> ReadRawAsync(Guid streamId)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT headers::text, correlation_id, causation_id FROM \"{Schema}\".mt_events WHERE stream_id = $1 ORDER BY version",
            connection);
        command.Parameters.AddWithValue(streamId);
        var rows = new List<StoredEventRow>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new StoredEventRow(
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return rows;
    }

    /// <summary>When PostgreSQL stored the stream's newest event (<see cref="IEvent.Timestamp"/>).</summary>
    public async Task<DateTimeOffset> NewestTimestampAsync(Guid streamId)
    {
        await using IQuerySession query = Store.QuerySession();
        IReadOnlyList<IEvent> events = await query.Events.FetchStreamAsync(streamId);
        return events.Max(e => e.Timestamp);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
