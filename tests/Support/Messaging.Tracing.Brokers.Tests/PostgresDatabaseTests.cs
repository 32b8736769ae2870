using System;
using System.Diagnostics;
using System.Threading.Tasks;
using Messaging.Tracing.Propagation;
using Npgsql;
using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

[Collection(PostgresDatabase.CollectionName)]
public sealed class PostgresDatabaseTests(PostgresDatabase database)
{
    [Fact]
    public async Task Row_with_trace_values_in_a_unique_schema_reads_back_identical()
    {
        ActivityContext sent = TestContexts.FromSampledActivity();
        string traceparent = TraceParentCodec.Format(sent);
        const string tracestate = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
        byte[] payload = [0x00, 0xFF, 0x7B, 0x22, 0x01, 0x80, 0x7D];
        string schema = database.UniqueSchemaName("smoke_postgres");

        await using NpgsqlConnection connection = await database.DataSource.OpenConnectionAsync();
        await using (var create = new NpgsqlCommand(
            $"CREATE SCHEMA {schema}; CREATE TABLE {schema}.events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, traceparent text NOT NULL, tracestate text NOT NULL, payload bytea NOT NULL)",
            connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        long id;
        await using (var insert = new NpgsqlCommand($"INSERT INTO {schema}.events (traceparent, tracestate, payload) VALUES ($1, $2, $3) RETURNING id", connection))
        {
            insert.Parameters.Add(new() { Value = traceparent });
            insert.Parameters.Add(new() { Value = tracestate });
            insert.Parameters.Add(new() { Value = payload });
            id = (long)(await insert.ExecuteScalarAsync())!;
        }

        await using var select = new NpgsqlCommand(
            $"SELECT id, traceparent, tracestate, payload, (SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'events') FROM {schema}.events",
            connection);
        select.Parameters.Add(new() { Value = schema });
        await using NpgsqlDataReader reader = await select.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(id, reader.GetInt64(0));
        Assert.Equal(traceparent, reader.GetString(1));
        Assert.Equal(tracestate, reader.GetString(2));
        Assert.Equal(payload, reader.GetFieldValue<byte[]>(3));
        Assert.Equal(1, reader.GetInt64(4));
        Assert.True(TraceParentCodec.TryParse(reader.GetString(1), out ActivityContext parsed));
        Assert.Equal(sent.TraceId, parsed.TraceId);
        Assert.Equal(sent.SpanId, parsed.SpanId);
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task Schemas_named_by_the_fixture_are_dropped_when_it_is_disposed()
    {
        var own = new PostgresDatabase();
        await own.InitializeAsync();
        string schema = own.UniqueSchemaName("smoke_postgres_cleanup");
        await using (NpgsqlCommand create = own.DataSource.CreateCommand($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.t (n int)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        Assert.True(await SchemaExistsAsync(schema));

        await own.DisposeAsync();

        Assert.False(await SchemaExistsAsync(schema));
    }

    [Fact]
    public void Unique_schema_names_differ_and_are_plain_identifiers()
    {
        string first = database.UniqueSchemaName("orders");
        string second = database.UniqueSchemaName("orders");

        Assert.NotEqual(first, second);
        Assert.Matches("^orders_[0-9a-f]{32}$", first);
        Assert.True(database.UniqueSchemaName(new string('a', 30)).Length <= 63);
        Assert.Throws<ArgumentException>(() => database.UniqueSchemaName(new string('a', 31)));
        Assert.Throws<ArgumentException>(() => database.UniqueSchemaName("Orders"));
        Assert.Throws<ArgumentException>(() => database.UniqueSchemaName("orders-v2"));
        Assert.Throws<ArgumentException>(() => database.UniqueSchemaName("1orders"));
    }

    [Fact]
    public async Task Unreachable_server_fails_with_a_message_naming_the_fix()
    {
        int port = FreePort.Next(); // nothing listens there
        var unreachable = new PostgresDatabase($"Host=127.0.0.1;Port={port};Username=messaging_tracing;Password=secret;Database=messaging_tracing;Timeout=5");

        var error = await Assert.ThrowsAsync<BrokerUnavailableException>(unreachable.InitializeAsync);

        Assert.Contains($"PostgreSQL is not reachable at 127.0.0.1:{port}/messaging_tracing", error.Message, StringComparison.Ordinal);
        Assert.Contains("eng/brokers.sh", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        await unreachable.DisposeAsync();
    }

    [Fact]
    public async Task Refused_login_fails_with_a_message_naming_the_fix()
    {
        var settings = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Password = "not-the-password" };
        var refused = new PostgresDatabase(settings.ConnectionString);

        var error = await Assert.ThrowsAsync<BrokerUnavailableException>(refused.InitializeAsync);

        Assert.IsType<PostgresException>(error.InnerException);
        Assert.Contains("eng/brokers.sh", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error.Message, StringComparison.Ordinal);
        await refused.DisposeAsync();
    }

    private async Task<bool> SchemaExistsAsync(string schema)
    {
        await using NpgsqlCommand query = database.DataSource.CreateCommand("SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = $1)");
        query.Parameters.Add(new() { Value = schema });
        return (bool)(await query.ExecuteScalarAsync())!;
    }
}
