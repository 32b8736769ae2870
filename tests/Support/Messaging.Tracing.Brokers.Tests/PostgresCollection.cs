using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

/// <summary>One <see cref="PostgresDatabase"/> for every test class of this assembly marked with its collection.</summary>
[CollectionDefinition(PostgresDatabase.CollectionName)]
public sealed class PostgresCollection : ICollectionFixture<PostgresDatabase>;
