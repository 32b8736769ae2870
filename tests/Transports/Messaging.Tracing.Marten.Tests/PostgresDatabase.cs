using System;
using System.Threading.Tasks;
using Npgsql;
using Xunit;

namespace Messaging.Tracing.Marten.Tests;

/// <summary>
/// The PostgreSQL server the tests run against, named by the <c>POSTGRES_CONNECTION</c> environment variable. Tests never skip
/// when it is missing: they fail with a message that says how to provide it.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string CollectionName = "PostgreSQL";
    public const string EnvironmentVariable = "POSTGRES_CONNECTION";

    private const string HowTo =
        "Start PostgreSQL 15 (as root: pg_ctlcluster 15 main start) and set " + EnvironmentVariable
        + " to a connection string whose user may create schemas, e.g. Host=127.0.0.1;Username=tracing;Password=tracing;Database=tracing_marten.";

    public string ConnectionString { get; } = Environment.GetEnvironmentVariable(EnvironmentVariable) ?? string.Empty;

    public async Task InitializeAsync()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException(EnvironmentVariable + " is not set. " + HowTo);
        }

        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or TimeoutException)
        {
            throw new InvalidOperationException("PostgreSQL is not reachable with " + EnvironmentVariable + ". " + HowTo, ex);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
