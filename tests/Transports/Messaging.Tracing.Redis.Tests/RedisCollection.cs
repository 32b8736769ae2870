using Messaging.Tracing.Brokers;
using Xunit;

namespace Messaging.Tracing.Redis.Tests;

/// <summary>One Redis connection for the whole assembly; every test uses its own stream and consumer group.</summary>
[CollectionDefinition(RedisBroker.CollectionName)]
public sealed class RedisCollection : ICollectionFixture<RedisBroker>;
