using Xunit;

namespace Messaging.Tracing.Brokers.Tests;

/// <summary>One <see cref="RedisBroker"/> for every test class of this assembly marked with its collection.</summary>
[CollectionDefinition(RedisBroker.CollectionName)]
public sealed class RedisCollection : ICollectionFixture<RedisBroker>;
