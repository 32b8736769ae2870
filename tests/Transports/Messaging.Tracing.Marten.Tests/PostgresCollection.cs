using Messaging.Tracing.Brokers;
using Xunit;

namespace Messaging.Tracing.Marten.Tests;

/// <summary>One PostgreSQL server for the whole assembly; every test uses its own schema.</summary>
[CollectionDefinition(PostgresDatabase.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresDatabase>;
